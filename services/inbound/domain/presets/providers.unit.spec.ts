import { createHmac, generateKeyPairSync, sign as edSign } from 'node:crypto';
import { createRequire } from 'node:module';
import { hmacValidator } from '@adyen/api-library';
import { Signature as HubSpotSignature } from '@hubspot/api-client';
import { validateSignature as lineValidate } from '@line/bot-sdk';
import Mux from '@mux/mux-node';
import { sign as githubSign } from '@octokit/webhooks-methods';
import { Paddle } from '@paddle/paddle-node-sdk';
import { webhooks as polarWebhooks } from '@polar-sh/sdk/2027-01';
import { EventWebhook } from '@sendgrid/eventwebhook';
// Bolt's verifier alone: the package's index would load its HTTP receivers.
import { isValidSlackRequest } from '@slack/bolt/dist/receivers/verify-request.js';
import { verifyKey } from 'discord-interactions';
import { WorkOS } from '@workos-inc/node';
import { encodeSignatureHeader as sanityHeader } from '@sanity/webhook';
import { parse as gocardlessParse } from 'gocardless-nodejs';
import Razorpay from 'razorpay';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { Webhook as SvixWebhook } from 'svix';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { inbound } from '../verify/fixture.ts';
import { handshakeReply, verifyInbound } from '../verify/index.ts';
import type { Preset } from '../verify/types.ts';
import { presetOf } from './index.ts';

/*
 * The catalog's presets against what the providers themselves publish: the examples in their
 * documentation, and requests signed (or checked) by their own SDKs. The table-driven catalog
 * spec proves each preset is consistent; this one proves the recipes are the providers'.
 */
const NOW = Date.UTC(2026, 11, 7, 1, 0, 0);
// coinbase-commerce-node ships no types: the one method used is typed here.
const coinbase = createRequire(import.meta.url)('coinbase-commerce-node') as { Webhook: { computeSignature(payload: string, secret: string): string } };
const of = (source: string): Preset => presetOf(source) ?? expect.fail(`no preset ${source}`);

describe('documented examples', () => {
  it('GitHub: the docs\' "Hello, World!" example', () => {
    const req = inbound('Hello, World!', { 'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17', 'x-github-event': 'ping', 'x-github-delivery': 'd1' });
    expect(verifyInbound(of('github'), { secret: 'It\'s a Secret to Everybody' }, req, NOW)).toEqual({ ok: true, deliveryId: 'd1', eventType: 'ping' });
  });
  it('Twilio: the security docs\' example (auth token 12345, a call\'s form params)', () => {
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    const form = 'CallSid=CA1234567890ABCDE&Caller=%2B12349013030&Digits=1234&From=%2B12349013030&To=%2B18005551212';
    const req = inbound(form, { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': '0/KCTR6DLpKmkAf8muzZqo1nDgQ=' }, url);
    expect(verifyInbound(of('twilio'), { authToken: '12345' }, req, NOW)).toEqual({ ok: true });
    expect(verifyInbound(of('twilio'), { authToken: '12345' }, { ...req, rawBody: Buffer.from(form.replace('1234&', '1235&')) }, NOW)).toMatchObject({ ok: false, reason: 'bad_signature' });
  });
  it('Standard Webhooks / Svix: the docs\' example message', () => {
    const headers = { 'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek', 'webhook-timestamp': '1614265330', 'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' };
    const req = inbound('{"test": 2432232314}', headers);
    expect(verifyInbound(of('standard-webhooks'), { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }, req, 1614265330_000)).toMatchObject({ ok: true, deliveryId: 'msg_p5jXN8AQM9LWM0D4loKWxJek' });
  });
});

describe('signed by the providers\' SDKs', () => {
  const body = JSON.stringify({ id: 'evt_1', type: 'invoice.paid', data: { object: { id: 'in_1' } } });

  it('Stripe: stripe.webhooks.generateTestHeaderString', () => {
    const header = new Stripe('sk_test_x').webhooks.generateTestHeaderString({ payload: body, secret: 'whsec_abc', timestamp: NOW / 1000 });
    expect(verifyInbound(of('stripe'), { secret: 'whsec_abc' }, inbound(body, { 'stripe-signature': header }), NOW)).toEqual({ ok: true, deliveryId: 'evt_1', eventType: 'invoice.paid' });
  });
  it('GitHub: @octokit/webhooks-methods sign', async () => {
    const req = inbound(body, { 'x-hub-signature-256': await githubSign('gh-secret', body), 'x-github-event': 'push' });
    expect(verifyInbound(of('github'), { secret: 'gh-secret' }, req, NOW)).toMatchObject({ ok: true, eventType: 'push' });
  });
  it.each(['clerk', 'resend', 'svix'])('%s: svix Webhook.sign with svix-* headers', (source) => {
    const secret = 'whsec_' + Buffer.from(`${source}-key`).toString('base64');
    const headers = { 'svix-id': 'msg_1', 'svix-timestamp': String(NOW / 1000), 'svix-signature': new SvixWebhook(secret).sign('msg_1', new Date(NOW), body) };
    expect(verifyInbound(of(source), { secret }, inbound(body, headers), NOW)).toMatchObject({ ok: true, deliveryId: 'msg_1', eventType: 'invoice.paid' });
  });
  it.each(['standard-webhooks', 'brex', 'render', 'openai', 'replicate', 'liveblocks', 'incident-io', 'lithic', 'supabase-auth-hooks'])('%s: standardwebhooks Webhook.sign', (source) => {
    const secret = 'whsec_' + Buffer.from(`${source}-key`).toString('base64');
    const headers = { 'webhook-id': 'msg_2', 'webhook-timestamp': String(NOW / 1000), 'webhook-signature': new StandardWebhook(secret).sign('msg_2', new Date(NOW), body) };
    expect(verifyInbound(of(source), { secret }, inbound(body, headers), NOW)).toMatchObject({ ok: true, deliveryId: 'msg_2' });
  });
  it.each([['a plain-text secret', 'polar_whs_example'], ['a whsec_ secret', `whsec_${Buffer.from('polar key bytes').toString('base64')}`]])(
    'Polar with %s: what @polar-sh/sdk\'s validateEvent accepts, we accept', async (_kind, secret) => {
      const now = Date.now();
      const key = secret.startsWith('whsec_') ? secret : Buffer.from(secret).toString('base64');
      const event = JSON.stringify({ type: 'order.paid', timestamp: new Date(now).toISOString(), data: {} });
      const headers = { 'webhook-id': 'msg_3', 'webhook-timestamp': String(Math.floor(now / 1000)), 'webhook-signature': new StandardWebhook(key).sign('msg_3', new Date(now), event) };
      await expect(polarWebhooks.validateEvent(event, headers, secret)).resolves.toMatchObject({ type: 'order.paid' });
      expect(verifyInbound(of('polar'), { secret }, inbound(event, headers), now)).toEqual({ ok: true, deliveryId: 'msg_3', eventType: 'order.paid' });
    },
  );
  it('Twilio: getExpectedTwilioSignature over the URL and form params', () => {
    const url = 'https://mittr.example/inbound/twilio-prod?x=1';
    const params = { MessageSid: 'SM1', Body: 'hi there', From: '+15551230000' };
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature('tw-token', url, params), 'i-twilio-idempotency-token': 'idem-1' };
    expect(verifyInbound(of('twilio'), { authToken: 'tw-token' }, inbound(new URLSearchParams(params).toString(), headers, url), NOW)).toEqual({ ok: true, deliveryId: 'idem-1' });
  });
  it('Sanity: @sanity/webhook encodeSignatureHeader (base64url, millisecond timestamp)', async () => {
    const header = await sanityHeader(body, NOW, 'sanity-secret');
    expect(verifyInbound(of('sanity'), { secret: 'sanity-secret' }, inbound(body, { 'sanity-webhook-signature': header }), NOW)).toMatchObject({ ok: true });
    expect(verifyInbound(of('sanity'), { secret: 'sanity-secret' }, inbound(body, { 'sanity-webhook-signature': header }), NOW + 600_000)).toMatchObject({ ok: false, reason: 'stale_timestamp' });
  });
  it('HubSpot: @hubspot/api-client Signature.getSignature v3 over method, URL, body and timestamp', () => {
    const url = 'https://mittr.example/inbound/hubspot-prod';
    const signature = HubSpotSignature.getSignature('POST', 'v3', { clientSecret: 'hs-secret', requestBody: body, url, timestamp: NOW, signature: '' });
    const headers = { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(NOW) };
    expect(verifyInbound(of('hubspot'), { secret: 'hs-secret' }, inbound(body, headers, url), NOW)).toMatchObject({ ok: true });
    expect(verifyInbound(of('hubspot'), { secret: 'hs-secret' }, inbound(body, headers, `${url}-other`), NOW)).toMatchObject({ ok: false, reason: 'bad_signature' });
  });
  it('WorkOS: @workos-inc/node webhooks.computeSignature (millisecond timestamp), and its own verifyHeader agrees', async () => {
    const workos = new WorkOS('sk_test_unused');
    const now = Date.now();
    const header = `t=${now}, v1=${await workos.webhooks.computeSignature(now, body as never, 'workos-secret')}`;
    await expect(workos.webhooks.verifyHeader({ payload: body as never, sigHeader: header, secret: 'workos-secret' })).resolves.toBe(true);
    expect(verifyInbound(of('workos'), { secret: 'workos-secret' }, inbound(body, { 'workos-signature': header }), now)).toMatchObject({ ok: true, deliveryId: 'evt_1' });
  });
  it('Coinbase Commerce: coinbase-commerce-node Webhook.computeSignature', () => {
    const event = '{"id":"e1","event":{"type":"charge:confirmed"}}';
    const headers = { 'x-cc-webhook-signature': coinbase.Webhook.computeSignature(event, 'cc-secret') };
    expect(verifyInbound(of('coinbase-commerce'), { secret: 'cc-secret' }, inbound(event, headers), NOW)).toMatchObject({ ok: true });
    expect(verifyInbound(of('coinbase-commerce'), { secret: 'cc-secret' }, inbound(event.replace('e1', 'e2'), headers), NOW)).toMatchObject({ ok: false, reason: 'bad_signature' });
  });
  it('Adyen: hmacValidator.calculateHmac over a notification item', () => {
    const hmacKey = 'AB'.repeat(32);
    const item = { pspReference: '991', merchantAccountCode: 'Acme', merchantReference: 'o-1', amount: { value: 500, currency: 'USD' }, eventCode: 'CAPTURE', success: 'true' };
    const signed = { ...item, additionalData: { hmacSignature: new hmacValidator().calculateHmac(item as never, hmacKey) } };
    const req = inbound(JSON.stringify({ live: 'false', notificationItems: [{ NotificationRequestItem: signed }] }));
    expect(verifyInbound(of('adyen'), { hmacKey }, req, NOW)).toEqual({ ok: true, deliveryId: 'CAPTURE:991', eventType: 'CAPTURE' });
  });
});

describe('checked by the providers\' SDKs (they verify but publish no signer)', () => {
  const body = '{"event":"payment.captured","payload":{}}';
  it('Slack: a request @slack/bolt\'s isValidSlackRequest accepts is accepted, and one it finds stale is stale', () => {
    const signed = (ts: number) => `v0=${createHmac('sha256', 'slack-signing').update(`v0:${ts}:${body}`).digest('hex')}`;
    const ts = NOW / 1000;
    expect(isValidSlackRequest({ signingSecret: 'slack-signing', body, headers: { 'x-slack-signature': signed(ts), 'x-slack-request-timestamp': ts }, nowMilliseconds: NOW })).toBe(true);
    expect(verifyInbound(of('slack'), { secret: 'slack-signing' }, inbound(body, { 'x-slack-signature': signed(ts), 'x-slack-request-timestamp': String(ts) }), NOW)).toMatchObject({ ok: true });
    const old = ts - 600;
    expect(isValidSlackRequest({ signingSecret: 'slack-signing', body, headers: { 'x-slack-signature': signed(old), 'x-slack-request-timestamp': old }, nowMilliseconds: NOW })).toBe(false);
    expect(verifyInbound(of('slack'), { secret: 'slack-signing' }, inbound(body, { 'x-slack-signature': signed(old), 'x-slack-request-timestamp': String(old) }), NOW)).toMatchObject({ ok: false, reason: 'stale_timestamp' });
  });
  it('Mux: a header mux.webhooks.verifySignature accepts is accepted, and it rejects what we reject', async () => {
    const now = Date.now();
    const ts = Math.floor(now / 1000);
    const mux = new Mux({ tokenId: 'unused', tokenSecret: 'unused' });
    const header = (payload: string) => `t=${ts},v1=${createHmac('sha256', 'mux-secret').update(`${ts}.${payload}`).digest('hex')}`;
    await expect(mux.webhooks.verifySignature(body, { 'mux-signature': header(body) }, 'mux-secret')).resolves.toBeUndefined();
    expect(verifyInbound(of('mux'), { secret: 'mux-secret' }, inbound(body, { 'mux-signature': header(body) }), now)).toMatchObject({ ok: true });
    await expect(mux.webhooks.verifySignature(`${body} `, { 'mux-signature': header(body) }, 'mux-secret')).rejects.toThrow();
    expect(verifyInbound(of('mux'), { secret: 'mux-secret' }, inbound(`${body} `, { 'mux-signature': header(body) }), now)).toMatchObject({ ok: false, reason: 'bad_signature' });
  });
  it('Slack: a signed url_verification is verified, then answered with its challenge', () => {
    const challenge = '{"token":"t","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}';
    const ts = NOW / 1000;
    const headers = { 'x-slack-signature': `v0=${createHmac('sha256', 'slack-signing').update(`v0:${ts}:${challenge}`).digest('hex')}`, 'x-slack-request-timestamp': String(ts) };
    const req = inbound(challenge, headers);
    expect(verifyInbound(of('slack'), { secret: 'slack-signing' }, req, NOW)).toMatchObject({ ok: true });
    expect(handshakeReply(of('slack'), { secret: 'slack-signing' }, req)?.body).toBe('{"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}');
  });
  it('LINE: a request @line/bot-sdk validateSignature accepts is accepted', () => {
    const signature = createHmac('sha256', 'line-channel-secret').update(body).digest('base64');
    expect(lineValidate(body, 'line-channel-secret', signature)).toBe(true);
    expect(verifyInbound(of('line'), { secret: 'line-channel-secret' }, inbound(body, { 'x-line-signature': signature }), NOW)).toMatchObject({ ok: true });
  });
  it('ElevenLabs: a header webhooks.constructEvent accepts is accepted', { timeout: 60_000 }, async () => {  // the SDK's import alone takes seconds on a busy machine
    const { ElevenLabsClient } = await import('@elevenlabs/elevenlabs-js');
    const now = Date.now();
    const ts = Math.floor(now / 1000);
    const header = `t=${ts},v0=${createHmac('sha256', 'el-secret').update(`${ts}.${body}`).digest('hex')}`;
    await expect(new ElevenLabsClient({ apiKey: 'unused' }).webhooks.constructEvent(body, header, 'el-secret')).resolves.toMatchObject({ event: 'payment.captured' });
    expect(verifyInbound(of('elevenlabs'), { secret: 'el-secret' }, inbound(body, { 'elevenlabs-signature': header }), now)).toMatchObject({ ok: true });
  });
  it('GoCardless: a request gocardless-nodejs parse accepts is accepted', () => {
    const events = '{"events":[{"id":"EV1","resource_type":"payments","action":"confirmed"}]}';
    const signature = createHmac('sha256', 'gc-secret').update(events).digest('hex');
    expect(gocardlessParse(events, 'gc-secret', signature)).toHaveLength(1);
    expect(verifyInbound(of('gocardless'), { secret: 'gc-secret' }, inbound(events, { 'webhook-signature': signature }), NOW)).toMatchObject({ ok: true });
  });
  it('Razorpay: a request validateWebhookSignature accepts is accepted', () => {
    const signature = createHmac('sha256', 'rzp-secret').update(body).digest('hex');
    expect(Razorpay.validateWebhookSignature(body, signature, 'rzp-secret')).toBe(true);
    expect(verifyInbound(of('razorpay'), { secret: 'rzp-secret' }, inbound(body, { 'x-razorpay-signature': signature }), NOW)).toMatchObject({ ok: true, eventType: 'payment.captured' });
  });
  it('Paddle: a header paddle.webhooks.isSignatureValid accepts is accepted', async () => {
    const now = Date.now();
    const ts = Math.floor(now / 1000);
    const header = `ts=${ts};h1=${createHmac('sha256', 'pdl_ntfset_key').update(`${ts}:${body}`).digest('hex')}`;
    expect(await new Paddle('pdl_sdbx_apikey_x').webhooks.isSignatureValid(body, 'pdl_ntfset_key', header)).toBe(true);
    expect(verifyInbound(of('paddle'), { secret: 'pdl_ntfset_key' }, inbound(body, { 'paddle-signature': header }), now)).toMatchObject({ ok: true });
  });
  it('SendGrid: a request @sendgrid/eventwebhook verifies is accepted', () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const publicKey = pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    const ts = String(NOW / 1000);
    const signature = edSign('sha256', Buffer.from(ts + body), pair.privateKey).toString('base64');
    const webhook = new EventWebhook();
    expect(webhook.verifySignature(webhook.convertPublicKeyToECDSA(publicKey), body, signature, ts)).toBe(true);
    const headers = { 'x-twilio-email-event-webhook-signature': signature, 'x-twilio-email-event-webhook-timestamp': ts };
    expect(verifyInbound(of('sendgrid'), { publicKey }, inbound(body, headers), NOW)).toMatchObject({ ok: true });
  });
  it('Discord: a request discord-interactions\' verifyKey accepts is accepted', async () => {
    const pair = generateKeyPairSync('ed25519');
    const publicKey = Buffer.from(pair.publicKey.export({ format: 'jwk' }).x ?? '', 'base64url').toString('hex');
    const ts = String(NOW / 1000);
    const signature = edSign(null, Buffer.from(ts + body), pair.privateKey).toString('hex');
    expect(await verifyKey(body, signature, ts, publicKey)).toBe(true);
    const headers = { 'x-signature-ed25519': signature, 'x-signature-timestamp': ts };
    expect(verifyInbound(of('discord'), { publicKey }, inbound(body, headers), NOW)).toMatchObject({ ok: true });
  });
});
