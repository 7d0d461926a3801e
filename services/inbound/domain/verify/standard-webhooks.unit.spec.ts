import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { describe, expect, it } from 'vitest';
import { inbound } from './fixture.ts';
import { checkStandardWebhooks } from './standard-webhooks.ts';
import type { StandardWebhooksParams } from './types.ts';

const NOW = Date.UTC(2026, 11, 7, 1, 0, 0);
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const body = '{"type":"user.created","data":{"id":"u_1"}}';
const spec: StandardWebhooksParams = { mode: 'standard-webhooks', headerPrefix: 'webhook' };
const svix: StandardWebhooksParams = { mode: 'standard-webhooks', headerPrefix: 'svix' };

function signed(prefix: 'webhook' | 'svix', atMs: number, key = secret, id = 'msg_1') {
  const signature = prefix === 'svix' ? new SvixWebhook(key).sign(id, new Date(atMs), body) : new StandardWebhook(key).sign(id, new Date(atMs), body);
  return { [`${prefix}-id`]: id, [`${prefix}-timestamp`]: String(Math.floor(atMs / 1000)), [`${prefix}-signature`]: signature };
}

describe('standard-webhooks mode', () => {
  it('given a message signed by standardwebhooks, then it is accepted with its message id as delivery id', () => {
    expect(checkStandardWebhooks(spec, { secret }, inbound(body, signed('webhook', NOW)), NOW)).toEqual({ ok: true, deliveryId: 'msg_1' });
  });
  it('given a message signed by svix with svix-* headers, then it is accepted', () => {
    expect(checkStandardWebhooks(svix, { secret }, inbound(body, signed('svix', NOW)), NOW)).toMatchObject({ ok: true });
  });
  it('given a signed message, when the body or the id changes, then it is a bad signature', () => {
    expect(checkStandardWebhooks(spec, { secret }, inbound(`${body} `, signed('webhook', NOW)), NOW)).toMatchObject({ reason: 'bad_signature' });
    expect(checkStandardWebhooks(spec, { secret }, inbound(body, { ...signed('webhook', NOW), 'webhook-id': 'msg_2' }), NOW)).toMatchObject({ reason: 'bad_signature' });
  });
  it('given several space-separated signatures (a rotation), when one is ours, then it is accepted', () => {
    const headers = signed('webhook', NOW);
    const other = signed('webhook', NOW, 'whsec_' + Buffer.from('another key').toString('base64'))['webhook-signature'];
    const both = { ...headers, 'webhook-signature': `v1a,ignored ${other} ${headers['webhook-signature']}` };
    expect(checkStandardWebhooks(spec, { secret }, inbound(body, both), NOW)).toMatchObject({ ok: true });
  });
  it('given the endpoint holds the old and new secrets, when the old one signed, then it is accepted', () => {
    expect(checkStandardWebhooks(spec, { secret: ['whsec_' + Buffer.from('new').toString('base64'), secret] }, inbound(body, signed('webhook', NOW)), NOW)).toMatchObject({ ok: true });
  });
  it('given a genuine message 6 minutes old or ahead, then it is stale', () => {
    expect(checkStandardWebhooks(spec, { secret }, inbound(body, signed('webhook', NOW - 360_000)), NOW)).toMatchObject({ reason: 'stale_timestamp' });
    expect(checkStandardWebhooks(spec, { secret }, inbound(body, signed('webhook', NOW + 360_000)), NOW)).toMatchObject({ reason: 'stale_timestamp' });
  });
  it('given a missing header, then the signature is missing; given no secret, then misconfigured', () => {
    const { 'webhook-id': _id, ...rest } = signed('webhook', NOW);
    expect(checkStandardWebhooks(spec, { secret }, inbound(body, rest), NOW)).toMatchObject({ reason: 'missing_signature' });
    expect(checkStandardWebhooks(spec, {}, inbound(body, signed('webhook', NOW)), NOW)).toMatchObject({ reason: 'misconfigured' });
  });
  it('given a Svix preset, when the sender uses the unbranded webhook-* headers, then they are read; a v1,whsec_ secret is read too', () => {
    expect(checkStandardWebhooks(svix, { secret: `v1,${secret}` }, inbound(body, signed('webhook', NOW)), NOW)).toMatchObject({ ok: true });
  });
  it('given utf8-or-whsec secrets (Polar), then the text is a key, and so is its whsec_ decoding', () => {
    const text = 'polar_whs_plain';
    const params: StandardWebhooksParams = { ...spec, secretFormat: 'utf8-or-whsec' };
    expect(checkStandardWebhooks(params, { secret: text }, inbound(body, signed('webhook', NOW, Buffer.from(text).toString('base64'))), NOW)).toMatchObject({ ok: true });
    expect(checkStandardWebhooks(params, { secret }, inbound(body, signed('webhook', NOW)), NOW)).toMatchObject({ ok: true });
    expect(checkStandardWebhooks(spec, { secret: text }, inbound(body, signed('webhook', NOW, Buffer.from(text).toString('base64'))), NOW)).toMatchObject({ ok: false });
  });
});
