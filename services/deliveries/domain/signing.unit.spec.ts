import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { signatureHeaders } from './signing.ts';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const previous = 'whsec_b2xkc2VjcmV0b2xkc2VjcmV0';
const mittrHex = (key: string, ts: number, body: string) => `v1=${createHmac('sha256', key).update(`${ts}.${body}`).digest('hex')}`;

describe('signatureHeaders', () => {
  it('given one secret, when signing, then X-Mittr-Signature is v1=<hex> of "<timestamp>.<rawBody>" as the quickstart snippets expect', () => {
    const body = '{"orderId":"ord_123"}';
    const h = signatureHeaders({ secrets: [secret], eventId: 'evt_1', timestampSec: 1712678460, body });
    expect(h['x-mittr-signature']).toBe(mittrHex(secret, 1712678460, body));
    expect(h['x-mittr-timestamp']).toBe('1712678460');
    expect(h['x-mittr-event-id']).toBe('evt_1');
  });

  it('given one secret, when signing, then the Standard Webhooks headers verify with the standardwebhooks library', () => {
    const body = '{"a":1}';
    const ts = Math.floor(Date.now() / 1000);
    const h = signatureHeaders({ secrets: [secret], eventId: 'msg_1', timestampSec: ts, body });
    expect(h['webhook-id']).toBe('msg_1');
    expect(h['webhook-timestamp']).toBe(String(ts));
    expect(new Webhook(secret).verify(body, h)).toEqual({ a: 1 });
  });

  it('given a rotation (current, previous), when signing, then X-Mittr-Signature holds exactly one value, made with the current secret', () => {
    const h = signatureHeaders({ secrets: [secret, previous], eventId: 'e', timestampSec: 1, body: '{}' });
    expect(h['x-mittr-signature']).toBe(mittrHex(secret, 1, '{}'));
    expect(h['x-mittr-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
  });

  it('given a rotation (current, previous), when signing, then webhook-signature holds one v1,<base64> per secret and verifies with either', () => {
    const body = '{"b":2}';
    const ts = Math.floor(Date.now() / 1000);
    const h = signatureHeaders({ secrets: [secret, previous], eventId: 'msg_2', timestampSec: ts, body });
    expect(h['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(h['webhook-signature']!.split(' ').every((s) => /^v1,[A-Za-z0-9+/]+=*$/.test(s))).toBe(true);
    expect(new Webhook(secret).verify(body, h)).toEqual({ b: 2 });
    expect(new Webhook(previous).verify(body, h)).toEqual({ b: 2 });
  });

  it('given a secret not in whsec_ form, when signing, then both schemes key the HMAC with its UTF-8 bytes', () => {
    const custom = 'a custom secret of some length';
    const h = signatureHeaders({ secrets: [custom], eventId: 'msg_3', timestampSec: 7, body: 'x' });
    expect(h['x-mittr-signature']).toBe(mittrHex(custom, 7, 'x'));
    expect(h['webhook-signature']).toBe(`v1,${createHmac('sha256', custom).update('msg_3.7.x').digest('base64')}`);
  });

  it('given no secret, when signing, then it refuses rather than send an unsigned delivery', () => {
    expect(() => signatureHeaders({ secrets: [], eventId: 'e', timestampSec: 1, body: '' })).toThrow(/at least one secret/);
  });
});
