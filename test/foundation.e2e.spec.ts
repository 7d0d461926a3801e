import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, signup, startTestMittr } from './support/mittr.ts';
import { RecordingSink } from './support/sink.ts';
import { verifyWebhook } from '../sdk/node/test/quickstart-snippet.mjs';

describe('one event end to end (signup, send, signed delivery, projection)', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  const sink = new RecordingSink();
  let sinkUrl: string;

  beforeAll(async () => {
    sinkUrl = await sink.start();
    env = await startTestMittr();
  });
  afterAll(async () => {
    await env?.stop();
    await sink.stop();
  });

  it('delivers a signed event that the seed snippets and standardwebhooks verify, and projects it as delivered', async () => {
    const account = await signup(env.url);
    expect(account.apiKey).toMatch(/^mtr_/);
    const call = api(env.url, account.apiKey);

    const me = await call('GET', '/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body.signingSecret).toBe(account.signingSecret);

    const payload = { orderId: 'ord_123', amount: 9900, currency: 'USD', note: 'ünïcode ✓' };
    const sent = await call('POST', '/api/v1/events', { destination: `${sinkUrl}/hooks`, payload }, { 'x-idempotency-key': 'ord_123_created' });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ idempotencyKey: 'ord_123_created', status: 'queued', attempts: 0, maxAttempts: 5, priority: 5 });

    // Read-your-writes: the GET right after the POST finds the event.
    const first = await call('GET', `/api/v1/events/${sent.body.id}`);
    expect(first.status).toBe(200);
    expect(first.body.payload).toEqual(payload);

    const [delivery] = await sink.waitFor((r) => r.length >= 1);
    expect(delivery!.url).toBe('/hooks');
    expect(JSON.parse(delivery!.body)).toEqual(payload);
    const h = delivery!.headers;
    expect(h['x-mittr-event-id']).toBe(sent.body.id);
    expect(h['x-mittr-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifyWebhook(account.signingSecret, String(h['x-mittr-signature']), String(h['x-mittr-timestamp']), delivery!.body)).toBe(true);
    const py = execFileSync('python3', [join(import.meta.dirname, 'support', 'seed_verify.py')], {
      input: JSON.stringify({ secret: account.signingSecret, signature: h['x-mittr-signature'], timestamp: h['x-mittr-timestamp'], body: delivery!.body }),
    }).toString().trim();
    expect(py).toBe('valid');
    const verified = new Webhook(account.signingSecret).verify(delivery!.body, {
      'webhook-id': String(h['webhook-id']), 'webhook-timestamp': String(h['webhook-timestamp']), 'webhook-signature': String(h['webhook-signature']),
    });
    expect(verified).toEqual(payload);

    const done = await eventually(async () => {
      const r = await call('GET', `/api/v1/events/${sent.body.id}`);
      return r.body.status === 'delivered' ? r.body : undefined;
    });
    expect(done.deliveredAt).toBeTruthy();
    expect(done.deliveryAttempts).toHaveLength(1);
    expect(done.deliveryAttempts[0]).toMatchObject({ attemptNumber: 1, statusCode: 200, outcome: 'success' });
    expect(done.deliveryAttempts[0].processingOverheadUs).toBeGreaterThan(0);
  });

  it('answers bad input with {error, code} and a 4xx', async () => {
    const account = await signup(env.url);
    const call = api(env.url, account.apiKey);
    const body = { destination: `${sinkUrl}/x`, payload: { a: 1 } };
    expect((await call('POST', '/api/v1/events', body)).body).toMatchObject({ code: 'VALIDATION_ERROR' });
    const once = await call('POST', '/api/v1/events', body, { 'x-idempotency-key': 'k1' });
    const twice = await call('POST', '/api/v1/events', body, { 'x-idempotency-key': 'k1' });
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ code: 'CONFLICT', eventId: once.body.id });
    const malformed = await call('POST', '/api/v1/events', '{"payload": ', { 'x-idempotency-key': 'k2' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('BAD_REQUEST');
    expect((await call('POST', '/api/v1/events', { eventType: 'a', destination: 'http://x', payload: {} }, { 'x-idempotency-key': 'k3' })).status).toBe(400);
    expect((await api(env.url)('GET', '/api/v1/events')).body).toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await api(env.url, 'mtr_nope')('GET', '/api/v1/events')).status).toBe(401);
    const unknown = await call('GET', '/api/v1/nothing-here');
    expect(unknown).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    const otherTenant = await api(env.url, (await signup(env.url)).apiKey)('GET', `/api/v1/events/${once.body.id}`);
    expect(otherTenant.status).toBe(404);
  });

  it('reports Kafka, the registry and Postgres on /health', async () => {
    const res = await api(env.url)('GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body.checks.kafka.status).toBe('ok');
    expect(res.body.checks.registry.status).toBe('ok');
    expect(res.body.checks.postgres.status).toBe('ok');
  });

  it('probes at most once a second however often /health is asked (it is public)', async () => {
    const answers = await Promise.all(Array.from({ length: 50 }, () => api(env.url)('GET', '/health')));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const rounds = new Set(answers.map((a) => a.body.checkedAt as string));
    expect(rounds.size).toBeLessThanOrEqual(2); // the round being answered, and at most one begun as a second passed
    // A second later a request starts the next round; the answer moves on once it has finished.
    await new Promise((r) => setTimeout(r, 1_100));
    const newer = await eventually(async () => {
      const at = (await api(env.url)('GET', '/health')).body.checkedAt as string;
      return [...rounds].every((r) => Date.parse(at) > Date.parse(r)) ? at : undefined;
    }, 5_000, 100);
    expect(newer).toBeDefined();
  });
});
