import { generateKeyPairSync, sign } from 'node:crypto';
import { EventWebhook } from '@sendgrid/eventwebhook';
import { verifyKey } from 'discord-interactions';
import { describe, expect, it } from 'vitest';
import { checkAsymmetric } from './asymmetric.ts';
import { inbound } from './fixture.ts';
import type { AsymmetricParams } from './types.ts';

const NOW = Date.UTC(2026, 11, 7, 1, 0, 0);
const ts = String(NOW / 1000);
const body = '{"type":1,"id":"i_1"}';

describe('ed25519 mode (Discord interactions)', () => {
  const discord: AsymmetricParams = { mode: 'ed25519', header: 'x-signature-ed25519', encoding: 'hex', recipe: '{timestamp}{body}', timestampHeader: 'x-signature-timestamp', keyField: 'publicKey', keyEncoding: 'hex' };
  const pair = generateKeyPairSync('ed25519');
  const publicKey = Buffer.from(pair.publicKey.export({ format: 'jwk' }).x ?? '', 'base64url').toString('hex');
  const signature = sign(null, Buffer.from(ts + body), pair.privateKey).toString('hex');
  const headers = { 'x-signature-ed25519': signature, 'x-signature-timestamp': ts };

  it('given a request discord-interactions\' verifyKey accepts, then the mode accepts it too', async () => {
    expect(await verifyKey(body, signature, ts, publicKey)).toBe(true);
    expect(checkAsymmetric(discord, { publicKey }, inbound(body, headers), NOW)).toBeUndefined();
  });
  it('given a tampered body, another key or a stale timestamp, then it is refused', () => {
    expect(checkAsymmetric(discord, { publicKey }, inbound(body + ' ', headers), NOW)).toMatchObject({ reason: 'bad_signature' });
    const other = Buffer.from(generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x ?? '', 'base64url').toString('hex');
    expect(checkAsymmetric(discord, { publicKey: other }, inbound(body, headers), NOW)).toMatchObject({ reason: 'bad_signature' });
    expect(checkAsymmetric(discord, { publicKey }, inbound(body, headers), NOW + 301_000)).toMatchObject({ reason: 'stale_timestamp' });
  });
  it('given a public key that is not 32 bytes, then misconfigured; given no signature, then missing', () => {
    expect(checkAsymmetric(discord, { publicKey: 'abcd' }, inbound(body, headers), NOW)).toMatchObject({ reason: 'misconfigured' });
    expect(checkAsymmetric(discord, { publicKey }, inbound(body, { 'x-signature-timestamp': ts }), NOW)).toMatchObject({ reason: 'missing_signature' });
  });
});

describe('ecdsa mode (SendGrid event webhook)', () => {
  const sendgrid: AsymmetricParams = { mode: 'ecdsa', header: 'x-twilio-email-event-webhook-signature', encoding: 'base64', recipe: '{timestamp}{body}', timestampHeader: 'x-twilio-email-event-webhook-timestamp', keyField: 'publicKey' };
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const publicKey = pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  const signature = sign('sha256', Buffer.from(ts + body), pair.privateKey).toString('base64');
  const headers = { 'x-twilio-email-event-webhook-signature': signature, 'x-twilio-email-event-webhook-timestamp': ts };

  it('given a request @sendgrid/eventwebhook verifies, then the mode accepts it too', () => {
    const webhook = new EventWebhook();
    expect(webhook.verifySignature(webhook.convertPublicKeyToECDSA(publicKey), body, signature, ts)).toBe(true);
    expect(checkAsymmetric(sendgrid, { publicKey }, inbound(body, headers), NOW)).toBeUndefined();
  });
  it('given a tampered body or timestamp, then it is a bad signature', () => {
    expect(checkAsymmetric(sendgrid, { publicKey }, inbound('[]', headers), NOW)).toMatchObject({ reason: 'bad_signature' });
    expect(checkAsymmetric(sendgrid, { publicKey }, inbound(body, { ...headers, 'x-twilio-email-event-webhook-timestamp': String(NOW / 1000 - 1) }), NOW)).toMatchObject({ reason: 'bad_signature' });
  });
  it('given a PEM key, then it is read too; given garbage for a signature, then refused', () => {
    const pem = pair.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(checkAsymmetric(sendgrid, { publicKey: pem }, inbound(body, headers), NOW)).toBeUndefined();
    expect(checkAsymmetric(sendgrid, { publicKey }, inbound(body, { ...headers, 'x-twilio-email-event-webhook-signature': 'AAAA' }), NOW)).toMatchObject({ reason: 'bad_signature' });
  });
});
