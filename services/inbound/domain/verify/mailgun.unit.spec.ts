import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { inbound } from './fixture.ts';
import { checkMailgun } from './mailgun.ts';

const NOW = Date.UTC(2026, 11, 7, 1, 0, 0);
const key = 'key-mailgun-signing';
const signature = (timestamp: string, token: string, k = key) => createHmac('sha256', k).update(timestamp + token).digest('hex');
const event = (timestamp: string, token = 'tok-1', sig = signature(timestamp, token)) =>
  JSON.stringify({ signature: { timestamp, token, signature: sig }, 'event-data': { event: 'delivered', id: 'e1' } });

describe('mailgun mode', () => {
  it('given a JSON event signed with the key (Mailgun\'s documented recipe), then accepted with the token as delivery id', () => {
    const ts = String(NOW / 1000);
    expect(checkMailgun({ mode: 'mailgun' }, { secret: key }, inbound(event(ts)), NOW)).toEqual({ ok: true, deliveryId: 'tok-1', eventType: 'delivered' });
  });
  it('given legacy form fields, then they are read too', () => {
    const ts = String(NOW / 1000);
    const form = new URLSearchParams({ timestamp: ts, token: 'tok-2', signature: signature(ts, 'tok-2'), event: 'opened' }).toString();
    expect(checkMailgun({ mode: 'mailgun' }, { secret: key }, inbound(form, { 'content-type': 'application/x-www-form-urlencoded' }), NOW)).toMatchObject({ ok: true, deliveryId: 'tok-2' });
  });
  it('given another key, a changed token or a stale timestamp, then refused', () => {
    const ts = String(NOW / 1000);
    expect(checkMailgun({ mode: 'mailgun' }, { secret: key }, inbound(event(ts, 'tok', signature(ts, 'tok', 'other'))), NOW)).toMatchObject({ reason: 'bad_signature' });
    expect(checkMailgun({ mode: 'mailgun' }, { secret: key }, inbound(event(ts, 'tok-x', signature(ts, 'tok'))), NOW)).toMatchObject({ reason: 'bad_signature' });
    const old = String(NOW / 1000 - 600);
    expect(checkMailgun({ mode: 'mailgun' }, { secret: key }, inbound(event(old)), NOW)).toMatchObject({ reason: 'stale_timestamp' });
  });
  it('given no signature block, then missing', () => {
    expect(checkMailgun({ mode: 'mailgun' }, { secret: key }, inbound('{"event-data":{}}'), NOW)).toMatchObject({ reason: 'missing_signature' });
  });
});
