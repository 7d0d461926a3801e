import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { sign as githubSign } from '@octokit/webhooks-methods';
import { Webhook } from 'standardwebhooks';
import Stripe from 'stripe';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, isolatedConfig, signup, startTestMittr } from '../../test/support/mittr.ts';
import { RecordingSink } from '../../test/support/sink.ts';

/** Requests a minute one receiver URL takes here: low, so a flood is quick to make. */
const FLOOD_LIMIT = 30;
const stripe = new Stripe('sk_test_inbound');

describe('the inbound receiver: provider-signed requests verified, recorded and delivered through the pipeline', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  const sink = new RecordingSink();
  let sinkUrl: string;
  let call: ReturnType<typeof api>;
  const stripeSecret = `whsec_${randomBytes(24).toString('base64')}`;
  const githubSecret = randomBytes(20).toString('hex');
  const swSecret = `whsec_${randomBytes(24).toString('base64')}`;
  const at = (path: string) => sink.received.filter((r) => r.url === path);
  const post = (suffix: string, body: string | Buffer, headers: Record<string, string>) =>
    fetch(`${env.url}/inbound/${suffix}`, { method: 'POST', headers, body });
  const inboundEndpoint = async (body: object) => {
    const res = await call('POST', '/api/v1/inbound-endpoints', { name: 'in', pathSuffix: `s-${randomBytes(5).toString('hex')}`, ...body });
    expect(res.status).toBe(201);
    return res.body as { id: string; pathSuffix: string; url: string };
  };
  const requests = async (id: string) => (await call('GET', `/api/v1/inbound-endpoints/${id}/requests?limit=100`)).body.data as Array<Record<string, unknown>>;

  beforeAll(async () => {
    sinkUrl = await sink.start();
    // The URL providers call (Twilio signs it) is the public one, not the loopback address the test posts to.
    env = await startTestMittr(isolatedConfig({ MITTR_INBOUND_REQUESTS_PER_MINUTE: String(FLOOD_LIMIT), MITTR_PUBLIC_URL: 'https://hooks.mittr.example' }));
    call = api(env.url, (await signup(env.url)).apiKey);
    await call('POST', '/api/v1/endpoints', { url: `${sinkUrl}/charges`, eventTypes: ['charge.*'] });
    await call('POST', '/api/v1/endpoints', { url: `${sinkUrl}/invoices`, eventTypes: ['invoice.paid'] });
  });
  afterAll(async () => {
    await env?.stop();
    await sink.stop();
  });

  it('takes a Stripe-signed event (202), fans it out by its type with the provider\'s bytes, and refuses a tampered or replayed one (401), recording each', async () => {
    const ib = await inboundEndpoint({ source: 'stripe', sourceConfig: { secret: stripeSecret }, eventTypeMapping: '$.data.type' });
    expect(ib.url).toBe(`${env.config.publicUrl}/inbound/${ib.pathSuffix}`);
    const payload = `{\n  "id": "evt_${randomBytes(6).toString('hex')}",\n  "type": "charge.succeeded",\n  "data": { "object": { "amount": 2000 } }\n}`;
    const header = stripe.webhooks.generateTestHeaderString({ payload, secret: stripeSecret });
    const ok = await post(ib.pathSuffix, payload, { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': header });
    expect(ok.status).toBe(202);
    const answer = await ok.json() as { eventId: string };
    expect(answer).toMatchObject({ received: true, duplicate: false, eventId: expect.any(String) });
    await sink.waitFor(() => at('/charges').length === 1);
    expect(at('/charges')[0]!.body).toBe(payload);
    expect(at('/invoices')).toHaveLength(0);
    const event = await eventually(async () => {
      const e = (await call('GET', `/api/v1/events/${answer.eventId}`)).body;
      return e?.status === 'delivered' ? e : null;
    });
    expect(event.eventType).toBe('charge.succeeded');

    const tampered = await post(ib.pathSuffix, payload.replace('2000', '1'), { 'content-type': 'application/json', 'stripe-signature': header });
    expect(tampered.status).toBe(401);
    expect(await tampered.json()).toMatchObject({ code: 'INVALID_SIGNATURE', reason: 'bad_signature' });
    const old = stripe.webhooks.generateTestHeaderString({ payload, secret: stripeSecret, timestamp: Math.floor(Date.now() / 1000) - 600 });
    const replayed = await post(ib.pathSuffix, payload, { 'content-type': 'application/json', 'stripe-signature': old });
    expect(replayed.status).toBe(401);
    expect(await replayed.json()).toMatchObject({ code: 'INVALID_SIGNATURE', reason: 'stale_timestamp' });
    expect((await post(ib.pathSuffix, payload, { 'content-type': 'application/json' })).status).toBe(401);

    const seen = await eventually(async () => { const r = await requests(ib.id); return r.length === 4 ? r : null; });
    expect(seen.map((r) => [r.verified, r.reason, r.status])).toEqual([
      [false, 'missing_signature', 401], [false, 'stale_timestamp', 401], [false, 'bad_signature', 401], [true, null, 202]]);
    expect(seen[3]).toMatchObject({ eventId: answer.eventId, eventType: 'charge.succeeded', body: payload, url: `${ib.url}` });
    expect((seen[3]!.headers as Record<string, string>)['stripe-signature']).toBe(header);
    const one = await call('GET', `/api/v1/inbound-endpoints/${ib.id}/requests/${seen[2]!.id}`);
    expect(one).toMatchObject({ status: 200, body: { reason: 'bad_signature', bodyBase64: Buffer.from(payload.replace('2000', '1')).toString('base64') } });
    await new Promise((r) => setTimeout(r, 500));
    expect(at('/charges')).toHaveLength(1);
  });

  it('sends a GitHub delivery to its destinationIds, typed by its header; a retry of the same delivery is 202 and no second delivery', async () => {
    const direct = (await call('POST', '/api/v1/endpoints', { url: `${sinkUrl}/github`, eventTypes: ['never.matches'] })).body;
    const ib = await inboundEndpoint({ source: 'github', sourceConfig: { secret: githubSecret }, destinationIds: [direct.id], eventTypeMapping: '$.headers.X-GitHub-Event' });
    const body = JSON.stringify({ ref: 'refs/heads/main', commits: [{ id: 'abc' }] });
    const headers = { 'content-type': 'application/json', 'x-github-event': 'push', 'x-github-delivery': randomUUID(), 'x-hub-signature-256': await githubSign(githubSecret, body) };
    const first = await post(ib.pathSuffix, body, headers);
    expect(first.status).toBe(202);
    const { eventId } = await first.json() as { eventId: string };
    await sink.waitFor(() => at('/github').length === 1);
    const retry = await post(ib.pathSuffix, body, headers);
    expect(retry.status).toBe(202);
    expect(await retry.json()).toMatchObject({ duplicate: true, eventId });
    expect((await call('GET', `/api/v1/events/${eventId}`)).body.eventType).toBe('push');
    const seen = await eventually(async () => { const r = await requests(ib.id); return r.length === 2 ? r : null; });
    expect(seen[0]).toMatchObject({ verified: true, duplicate: true, eventId, deliveryId: headers['x-github-delivery'] });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(at('/github')).toHaveLength(1);
  });

  it('verifies Standard Webhooks signatures and transforms the event in the sandbox before it is sent', async () => {
    const ib = await inboundEndpoint({
      source: 'standard-webhooks', sourceConfig: { secret: swSecret }, eventTypeMapping: '$.data.type',
      transformation: 'function transform(w) { w.payload.seen = true; w.eventType = "invoice." + w.payload.status; return w; }',
    });
    const msgId = `msg_${randomBytes(6).toString('hex')}`;
    const body = JSON.stringify({ type: 'invoice.updated', status: 'paid' });
    const now = new Date();
    const signature = new Webhook(swSecret).sign(msgId, now, body);
    const res = await post(ib.pathSuffix, body, { 'content-type': 'application/json', 'webhook-id': msgId, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': signature });
    expect(res.status).toBe(202);
    await sink.waitFor(() => at('/invoices').length === 1);
    expect(JSON.parse(at('/invoices')[0]!.body)).toEqual({ type: 'invoice.updated', status: 'paid', seen: true });
  });

  it('takes a form post as an object of its fields, typed from the query string, and verifies a token while it rotates', async () => {
    const [oldToken, newToken] = [randomBytes(16).toString('hex'), randomBytes(16).toString('hex')];
    const ib = await inboundEndpoint({ source: 'generic-bearer', sourceConfig: { token: [newToken, oldToken] }, eventTypeMapping: '$.query.kind' });
    const shown = (await call('GET', `/api/v1/inbound-endpoints/${ib.id}`)).body;
    expect(shown.sourceConfig.token).toEqual([`****${newToken.slice(-4)}`, `****${oldToken.slice(-4)}`]);
    const form = 'From=%2B15551234567&Body=hello+world&MediaUrl=a&MediaUrl=b';
    const res = await fetch(`${env.url}/inbound/${ib.pathSuffix}?kind=invoice.paid`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${oldToken}` }, body: form,
    });
    expect(res.status).toBe(202);
    await sink.waitFor(() => at('/invoices').some((r) => r.body.includes('hello world')));
    expect(JSON.parse(at('/invoices').find((r) => r.body.includes('hello world'))!.body)).toEqual({ From: '+15551234567', Body: 'hello world', MediaUrl: ['a', 'b'] });
    const bad = await fetch(`${env.url}/inbound/${ib.pathSuffix}`, { method: 'POST', headers: { authorization: 'Bearer nope' }, body: form });
    expect(bad.status).toBe(401);
    const seen = await eventually(async () => { const r = await requests(ib.id); return r.length === 2 ? r : null; });
    expect(seen[1]).toMatchObject({ url: `${ib.url}?kind=invoice.paid`, body: form, verified: true, headers: { authorization: '[redacted]' } });
    expect(JSON.stringify(seen)).not.toContain(oldToken);
    expect(seen[0]).toMatchObject({ verified: false, reason: expect.stringMatching(/credentials|signature/) });
  });

  it('verifies a Twilio form post against the public URL it was sent to, query string included', async () => {
    const authToken = randomBytes(16).toString('hex');
    const ib = await inboundEndpoint({ source: 'twilio', sourceConfig: { authToken }, eventTypeMapping: '$.query.kind' });
    const form = { MessageSid: `SM${randomBytes(8).toString('hex')}`, From: '+15557654321', Body: 'paid' };
    const url = `${ib.url}?kind=invoice.paid`;
    expect(url.startsWith('https://hooks.mittr.example/inbound/')).toBe(true);
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(authToken, url, form) };
    const ok = await fetch(`${env.url}/inbound/${ib.pathSuffix}?kind=invoice.paid`, { method: 'POST', headers, body: new URLSearchParams(form).toString() });
    expect(ok.status).toBe(202);
    await sink.waitFor(() => at('/invoices').some((r) => r.body.includes(form.MessageSid)));
    // Signed for another URL (the query changed): refused.
    const moved = await fetch(`${env.url}/inbound/${ib.pathSuffix}?kind=other`, { method: 'POST', headers, body: new URLSearchParams(form).toString() });
    expect(moved.status).toBe(401);
  });

  it('answers a verified Slack url_verification with its challenge (200), and makes no event of it', async () => {
    const signingSecret = randomBytes(16).toString('hex');
    const ib = await inboundEndpoint({ source: 'slack', sourceConfig: { secret: signingSecret } });
    const challenge = randomBytes(12).toString('hex');
    const body = JSON.stringify({ token: 'legacy', challenge, type: 'url_verification' });
    const ts = String(Math.floor(Date.now() / 1000));
    // Slack publishes no signer (its SDKs only verify): its documented v0 scheme, by hand.
    const signature = `v0=${createHmac('sha256', signingSecret).update(`v0:${ts}:${body}`).digest('hex')}`;
    const res = await post(ib.pathSuffix, body, { 'content-type': 'application/json', 'x-slack-request-timestamp': ts, 'x-slack-signature': signature });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge });
    const [seen] = await eventually(async () => { const r = await requests(ib.id); return r.length === 1 ? r : null; });
    expect(seen).toMatchObject({ verified: true, status: 200, eventId: null });
    const unsigned = await post(ib.pathSuffix, body, { 'content-type': 'application/json', 'x-slack-request-timestamp': ts, 'x-slack-signature': 'v0=00' });
    expect(unsigned.status).toBe(401);
  });

  it('answers 404 for an unknown or inactive suffix, 413 over 512 KiB, and 429 with Retry-After to a flood, recording no more than it admits', async () => {
    expect((await post('no-such-suffix', '{}', { 'content-type': 'application/json' })).status).toBe(404);
    const ib = await inboundEndpoint({ source: 'stripe', sourceConfig: { secret: stripeSecret } });
    const big = await post(ib.pathSuffix, Buffer.alloc(524_289, 0x61), { 'content-type': 'application/octet-stream' });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    // At the limit, a binary body is taken whole: recorded byte for byte, its event carrying it in base64.
    const token = randomBytes(16).toString('hex');
    const binary = await inboundEndpoint({ source: 'generic-bearer', sourceConfig: { token } });
    const bytes = randomBytes(524_288);
    const taken = await post(binary.pathSuffix, bytes, { 'content-type': 'application/octet-stream', authorization: `Bearer ${token}` });
    expect(taken.status).toBe(202);
    const [kept] = await eventually(async () => { const r = await requests(binary.id); return r.length === 1 ? r : null; });
    expect(Buffer.from(kept!.bodyBase64 as string, 'base64').equals(bytes)).toBe(true);
    const { eventId } = await taken.json() as { eventId: string };
    const event = await eventually(async () => { const e = await call('GET', `/api/v1/events/${eventId}`); return e.status === 200 ? e.body : null; });
    expect(event.payload).toEqual({ contentType: 'application/octet-stream', encoding: 'base64', body: bytes.toString('base64') });
    const codes: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < FLOOD_LIMIT + 5; i++) {
      const res = await post(ib.pathSuffix, `{"n":${i}}`, { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=00' });
      codes.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
    }
    expect(codes.filter((c) => c === 429).length).toBeGreaterThanOrEqual(5);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    const recorded = await eventually(async () => { const r = await requests(ib.id); return r.length === codes.filter((c) => c === 401).length ? r : null; });
    expect(recorded.every((r) => r.reason !== null)).toBe(true);
    await call('PATCH', `/api/v1/inbound-endpoints/${ib.id}`, { status: 'inactive' });
    expect((await post(ib.pathSuffix, '{}', { 'content-type': 'application/json' })).status).toBe(404);
  });
});
