import { sign } from '@octokit/webhooks-methods';
import { describe, expect, it } from 'vitest';
import { inbound } from './fixture.ts';
import { verifyInbound } from './index.ts';
import type { Preset } from './types.ts';

const github: Preset = {
  source: 'github', name: 'GitHub', description: '', fields: [], mode: 'hmac', algorithm: 'sha256', header: 'x-hub-signature-256', prefix: 'sha256=', encoding: 'hex',
  idHeader: 'x-github-delivery', eventTypeHeader: 'x-github-event',
};
const stripeLike: Preset = { source: 's', name: 'S', description: '', fields: [], mode: 'none', idField: 'id', eventTypeField: 'type' };
const body = '{"id":"evt_1","type":"invoice.paid"}';

describe('verifyInbound', () => {
  it('given a verified request, then it carries the delivery id and event type from the headers', async () => {
    const headers = { 'x-hub-signature-256': await sign('s', body), 'x-github-delivery': 'd-1', 'x-github-event': 'push' };
    expect(verifyInbound(github, { secret: 's' }, inbound(body, headers), 0)).toEqual({ ok: true, deliveryId: 'd-1', eventType: 'push' });
  });
  it('given a refused request, then the refusal is answered as the mode gave it', () => {
    expect(verifyInbound(github, { secret: 's' }, inbound(body, { 'x-github-event': 'push' }), 0)).toMatchObject({ ok: false, reason: 'missing_signature' });
  });
  it('given a preset naming body fields, then the id and type come from the JSON body, and are absent for a non-JSON body', () => {
    expect(verifyInbound(stripeLike, {}, inbound(body), 0)).toEqual({ ok: true, deliveryId: 'evt_1', eventType: 'invoice.paid' });
    expect(verifyInbound(stripeLike, {}, inbound('not json'), 0)).toEqual({ ok: true });
  });
});
