import { createHmac } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import { describe, expect, it } from 'vitest';
import { inbound } from './fixture.ts';
import { checkHmac } from './hmac.ts';
import type { HmacParams, Naming } from './types.ts';

const NOW = Date.UTC(2026, 11, 7, 1, 0, 0);
const github: HmacParams & Naming = { mode: 'hmac', algorithm: 'sha256', header: 'x-hub-signature-256', encoding: 'hex', prefix: 'sha256=' };
const body = '{"action":"opened","number":1}';

describe('hmac mode', () => {
  it('given a GitHub secret, when the body is signed by @octokit/webhooks-methods, then it is accepted', async () => {
    const signature = await sign('It\'s a Secret to Everybody', body);
    expect(checkHmac(github, { secret: 'It\'s a Secret to Everybody' }, inbound(body, { 'X-Hub-Signature-256': signature }), NOW)).toBeUndefined();
  });
  it('given a signed body, when one byte of the body changes, then it is a bad signature', async () => {
    const signature = await sign('s3cret', body);
    expect(checkHmac(github, { secret: 's3cret' }, inbound(body.replace('1', '2'), { 'x-hub-signature-256': signature }), NOW)).toMatchObject({ reason: 'bad_signature' });
  });
  it('given a rotating secret, when the old one signed, then it is accepted', async () => {
    const signature = await sign('old', body);
    expect(checkHmac(github, { secret: ['new', 'old'] }, inbound(body, { 'x-hub-signature-256': signature }), NOW)).toBeUndefined();
  });
  it('given no signature header, then it is a missing signature; given no secret, then misconfigured', () => {
    expect(checkHmac(github, { secret: 's' }, inbound(body), NOW)).toMatchObject({ reason: 'missing_signature' });
    expect(checkHmac(github, {}, inbound(body, { 'x-hub-signature-256': 'sha256=00' }), NOW)).toMatchObject({ reason: 'misconfigured' });
  });
  it('given a signature without the prefix or not hex, then it is missing', () => {
    const hex = createHmac('sha256', 's').update(body).digest('hex');
    expect(checkHmac(github, { secret: 's' }, inbound(body, { 'x-hub-signature-256': hex }), NOW)).toMatchObject({ reason: 'missing_signature' });
    expect(checkHmac(github, { secret: 's' }, inbound(body, { 'x-hub-signature-256': 'sha256=zz' }), NOW)).toMatchObject({ reason: 'missing_signature' });
  });

  const slack: HmacParams = { mode: 'hmac', algorithm: 'sha256', header: 'x-slack-signature', encoding: 'hex', prefix: 'v0=', recipe: 'v0:{timestamp}:{body}', timestampHeader: 'x-slack-request-timestamp' };
  const slackSigned = (ts: number) => ({
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': `v0=${createHmac('sha256', 'slack-secret').update(`v0:${ts}:${body}`).digest('hex')}`,
  });
  it('given a recipe with a timestamp, when signed now, then accepted; when the timestamp header changes, then refused', () => {
    const headers = slackSigned(NOW / 1000);
    expect(checkHmac(slack, { secret: 'slack-secret' }, inbound(body, headers), NOW)).toBeUndefined();
    expect(checkHmac(slack, { secret: 'slack-secret' }, inbound(body, { ...headers, 'x-slack-request-timestamp': String(NOW / 1000 + 1) }), NOW)).toMatchObject({ reason: 'bad_signature' });
  });
  it('given a genuine signature, when its timestamp is over 5 minutes old or ahead, then it is stale', () => {
    for (const skew of [-301, 301]) {
      expect(checkHmac(slack, { secret: 'slack-secret' }, inbound(body, slackSigned(NOW / 1000 + skew)), NOW)).toMatchObject({ reason: 'stale_timestamp' });
    }
    expect(checkHmac(slack, { secret: 'slack-secret' }, inbound(body, slackSigned(NOW / 1000 - 299)), NOW)).toBeUndefined();
  });
  it('given a timestamp header missing, then the signature is missing', () => {
    const { 'x-slack-signature': signature } = slackSigned(NOW / 1000);
    expect(checkHmac(slack, { secret: 'slack-secret' }, inbound(body, { 'x-slack-signature': signature }), NOW)).toMatchObject({ reason: 'missing_signature' });
  });

  it('given base64 signatures in a list (PagerDuty-like), when any one matches, then accepted', () => {
    const params: HmacParams = { mode: 'hmac', algorithm: 'sha512', header: 'x-sig', encoding: 'base64', prefix: 'v1=', listSeparator: ',' };
    const good = createHmac('sha512', 'k').update(body).digest('base64');
    expect(checkHmac(params, { secret: 'k' }, inbound(body, { 'x-sig': `v1=AAAA, v1=${good}` }), NOW)).toBeUndefined();
  });
  it('given the {id} and {url} placeholders, then the id header and the URL are signed', () => {
    const params: HmacParams & Naming = { mode: 'hmac', algorithm: 'sha1', header: 'x-sig', encoding: 'hex', recipe: '{id}{url}{body}', idHeader: 'x-id' };
    const url = 'https://mittr.example/inbound/x?a=1';
    const signature = createHmac('sha1', 'k').update(`42${url}${body}`).digest('hex');
    expect(checkHmac(params, { secret: 'k' }, inbound(body, { 'x-sig': signature, 'x-id': '42' }, url), NOW)).toBeUndefined();
    expect(checkHmac(params, { secret: 'k' }, inbound(body, { 'x-sig': signature, 'x-id': '43' }, url), NOW)).toMatchObject({ reason: 'bad_signature' });
  });
  it('given several signature headers (Box primary/secondary, DocuSign -1..-5), when only a later one matches a later key, then accepted', () => {
    const params: HmacParams = { mode: 'hmac', algorithm: 'sha256', header: ['x-sig-1', 'x-sig-2'], encoding: 'base64', secretFields: ['primaryKey', 'secondaryKey'] };
    const signature = createHmac('sha256', 'second').update(body).digest('base64');
    const config = { primaryKey: 'first', secondaryKey: 'second' };
    expect(checkHmac(params, config, inbound(body, { 'x-sig-1': 'AAAA', 'x-sig-2': signature }), NOW)).toBeUndefined();
    expect(checkHmac(params, { primaryKey: 'first' }, inbound(body, { 'x-sig-2': signature }), NOW)).toMatchObject({ reason: 'bad_signature' });
  });
  it('given a hex-encoded secret and a signature in the query string, then the decoded key verifies', () => {
    const params: HmacParams = { mode: 'hmac', algorithm: 'sha256', header: [], queryParam: 'signature', encoding: 'hex', secretEncoding: 'hex' };
    const signature = createHmac('sha256', Buffer.from('00ff10', 'hex')).update(body).digest('hex');
    expect(checkHmac(params, { secret: '00ff10' }, inbound(body, {}, `https://mittr.example/inbound/x?signature=${signature}`), NOW)).toBeUndefined();
  });
});
