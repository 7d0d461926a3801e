import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { signatureHeaders } from './signing.ts';

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

describe('signatureHeaders', () => {
  it('signs "<timestamp>.<rawBody>" as the quickstart snippets expect', () => {
    const body = '{"orderId":"ord_123"}';
    const h = signatureHeaders({ secrets: [secret], eventId: 'evt_1', timestampSec: 1712678460, body });
    const expected = createHmac('sha256', secret).update(`1712678460.${body}`).digest('hex');
    expect(h['x-mittr-signature']).toBe(`v1=${expected}`);
    expect(h['x-mittr-timestamp']).toBe('1712678460');
    expect(h['x-mittr-event-id']).toBe('evt_1');
  });

  it('produces Standard Webhooks headers that the standardwebhooks library verifies', () => {
    const body = '{"a":1}';
    const ts = Math.floor(Date.now() / 1000);
    const h = signatureHeaders({ secrets: [secret], eventId: 'msg_1', timestampSec: ts, body });
    expect(new Webhook(secret).verify(body, h)).toEqual({ a: 1 });
  });

  it('during a rotation: one X-Mittr-Signature made with the first secret, every secret in webhook-signature', () => {
    const previous = 'whsec_b2xkc2VjcmV0b2xkc2VjcmV0';
    const h = signatureHeaders({ secrets: [previous, secret], eventId: 'e', timestampSec: 1, body: '{}' });
    expect(h['x-mittr-signature']).toBe(`v1=${createHmac('sha256', previous).update('1.{}').digest('hex')}`);
    expect(h['webhook-signature']!.split(' ')).toHaveLength(2);
  });
});
