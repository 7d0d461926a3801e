import { Webhook } from 'standardwebhooks';
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, signup, startTestMittr } from '../../test/support/mittr.ts';
import { RecordingSink, type Received } from '../../test/support/sink.ts';

const verifies = (secret: string, r: Received) => String(r.headers['x-mittr-signature']) === (
  `v1=${createHmac('sha256', secret).update(`${r.headers['x-mittr-timestamp']}.${r.body}`).digest('hex')}`);

describe('endpoints: an event-sourced aggregate driving fan-out', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  const sink = new RecordingSink();
  let sinkUrl: string;
  let call: ReturnType<typeof api>;
  let n = 0;
  const send = (eventType: string, payload: Record<string, unknown> = { n: ++n }) =>
    call('POST', '/api/v1/events', { eventType, payload }, { 'x-idempotency-key': `k${++n}-${Date.now()}` });
  const at = (path: string) => sink.received.filter((r) => r.url === path);

  beforeAll(async () => {
    sinkUrl = await sink.start();
    env = await startTestMittr();
    call = api(env.url, (await signup(env.url)).apiKey);
  });
  afterAll(async () => {
    await env?.stop();
    await sink.stop();
  });

  it('creates with the documented defaults, shows the secret once more at /secret, and validates', async () => {
    const created = await call('POST', '/api/v1/endpoints', { url: `${sinkUrl}/a`, eventTypes: ['order.created'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ maxRetries: 5, retryBackoffMs: 1000, retryBackoffMax: 86_400_000, retryBackoffMult: 2,
      timeoutMs: 30_000, rateLimitPerSec: 0, circuitThreshold: 5, circuitResetMs: 300_000, deliveryMode: 'push', fifo: false, version: 1 });
    expect(created.body.signingSecret).toMatch(/^whsec_/);
    const got = await call('GET', `/api/v1/endpoints/${created.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body.signingSecret).toBeUndefined();
    expect((await call('GET', `/api/v1/endpoints/${created.body.id}/secret`)).body.signingSecret).toBe(created.body.signingSecret);
    const bad = await call('POST', '/api/v1/endpoints', { url: 'nope', eventTypes: [], timeoutMs: 1, blockedCidrs: ['x'] });
    expect(bad).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
    expect(bad.body.problems.length).toBeGreaterThanOrEqual(4);
    expect((await call('POST', '/api/v1/endpoints', { url: `${sinkUrl}/s`, eventTypes: ['x'], deliveryMode: 'storage' })).status).toBe(400);
    const other = api(env.url, (await signup(env.url)).apiKey);
    expect((await other('GET', `/api/v1/endpoints/${created.body.id}`)).status).toBe(404);
    await call('DELETE', `/api/v1/endpoints/${created.body.id}`);
  });

  it('fans an event out to every subscribed endpoint, signed with each endpoint secret, with its custom headers', async () => {
    const a = (await call('POST', '/api/v1/endpoints', { url: `${sinkUrl}/fan-a`, eventTypes: ['invoice.*'], customHeaders: { 'X-Source': 'mittr' } })).body;
    const b = (await call('POST', '/api/v1/endpoints', { url: `${sinkUrl}/fan-b`, eventTypes: ['invoice.paid'] })).body;
    await call('POST', '/api/v1/endpoints', { url: `${sinkUrl}/fan-c`, eventTypes: ['refund.*'] });
    const sent = await send('invoice.paid', { invoice: 7 });
    expect(sent.status).toBe(201);
    await sink.waitFor(() => at('/fan-a').length === 1 && at('/fan-b').length === 1);
    expect(verifies(a.signingSecret, at('/fan-a')[0]!)).toBe(true);
    expect(verifies(b.signingSecret, at('/fan-b')[0]!)).toBe(true);
    expect(at('/fan-a')[0]!.headers['x-source']).toBe('mittr');
    const done = await eventually(async () => {
      const e = (await call('GET', `/api/v1/events/${sent.body.id}`)).body;
      return e.status === 'delivered' ? e : undefined;
    });
    expect(done.deliveryAttempts.map((d: { endpointId: string }) => d.endpointId).sort()).toEqual([a.id, b.id].sort());
    expect(at('/fan-c')).toHaveLength(0);
  });

  it('keeps an event that matches no endpoint, shown as delivered with no attempts', async () => {
    const sent = await send('nobody.listens');
    const done = await eventually(async () => {
      const e = (await call('GET', `/api/v1/events/${sent.body.id}`)).body;
      return e.status === 'delivered' ? e : undefined;
    });
    expect(done.deliveryAttempts).toEqual([]);
  });

  it('holds deliveries while paused and sends them on resume', async () => {
    const ep = (await call('POST', '/api/v1/endpoints', { url: `${sinkUrl}/paused`, eventTypes: ['pause.test'] })).body;
    expect((await call('POST', `/api/v1/endpoints/${ep.id}/pause`)).body.status).toBe('paused');
    const sent = await send('pause.test');
    await new Promise((r) => setTimeout(r, 2_500));
    expect(at('/paused')).toHaveLength(0);
    expect((await call('GET', `/api/v1/events/${sent.body.id}`)).body.status).toBe('queued');
    expect((await call('POST', `/api/v1/endpoints/${ep.id}/resume`)).body.status).toBe('active');
    await sink.waitFor(() => at('/paused').length === 1, 20_000);
  });

  it('signs with both secrets for a day after a rotation: the new one in X-Mittr-Signature, both in webhook-signature', async () => {
    const ep = (await call('POST', '/api/v1/endpoints', { url: `${sinkUrl}/rotated`, eventTypes: ['rotate.test'] })).body;
    const rotated = (await call('POST', `/api/v1/endpoints/${ep.id}/secret/rotate`)).body;
    expect(rotated.previousSecret).toBe(ep.signingSecret);
    expect(rotated.signingSecret).not.toBe(ep.signingSecret);
    await send('rotate.test');
    const [r] = await sink.waitFor(() => at('/rotated').length === 1).then(() => at('/rotated'));
    expect(String(r!.headers['x-mittr-signature']).split(' ')).toHaveLength(1);
    expect(verifies(rotated.signingSecret, r!)).toBe(true);
    expect(verifies(ep.signingSecret, r!)).toBe(false);
    for (const secret of [ep.signingSecret, rotated.signingSecret]) {
      expect(new Webhook(secret).verify(r!.body, {
        'webhook-id': String(r!.headers['webhook-id']), 'webhook-timestamp': String(r!.headers['webhook-timestamp']),
        'webhook-signature': String(r!.headers['webhook-signature']),
      })).toBeTruthy();
    }
  });

  it('keeps every change as a version, diffs them and rolls back as a new version', async () => {
    const ep = (await call('POST', '/api/v1/endpoints', { url: `${sinkUrl}/v`, eventTypes: ['v.test'] })).body;
    const patched = await call('PATCH', `/api/v1/endpoints/${ep.id}`, { timeoutMs: 5_000, description: 'tuned' });
    expect(patched.body).toMatchObject({ version: 2, timeoutMs: 5_000, description: 'tuned' });
    const versions = await call('GET', `/api/v1/endpoints/${ep.id}/versions`);
    expect(versions.body.data.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    const diff = await call('GET', `/api/v1/endpoints/${ep.id}/versions/diff?v1=1&v2=2`);
    expect(diff.body.changes).toEqual([
      { field: 'description', from: '', to: 'tuned' }, { field: 'timeoutMs', from: 30_000, to: 5_000 }]);
    const rolled = await call('POST', `/api/v1/endpoints/${ep.id}/versions/1/rollback`);
    expect(rolled.body).toMatchObject({ version: 3, timeoutMs: 30_000, description: '' });
    expect((await call('GET', `/api/v1/endpoints/${ep.id}/versions/3`)).body.rolledBackTo).toBe(1);
    expect((await call('GET', `/api/v1/endpoints/${ep.id}/versions/9`)).status).toBe(404);
  });

  it('stops delivering to a deleted endpoint and lists endpoints with a cursor', async () => {
    const fresh = api(env.url, (await signup(env.url)).apiKey);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await fresh('POST', '/api/v1/endpoints', { url: `${sinkUrl}/l${i}`, eventTypes: ['l'] })).body.id);
    expect((await fresh('DELETE', `/api/v1/endpoints/${ids[0]}`)).status).toBe(204);
    expect((await fresh('GET', `/api/v1/endpoints/${ids[0]}`)).status).toBe(404);
    const page1 = await eventually(async () => {
      const r = await fresh('GET', '/api/v1/endpoints?limit=1');
      return r.body.pagination?.hasMore ? r : undefined;
    });
    const page2 = await fresh('GET', `/api/v1/endpoints?limit=1&cursor=${page1.body.pagination.cursor}`);
    expect([page1.body.data[0].id, page2.body.data[0].id]).toEqual([ids[2], ids[1]]);
    expect(page2.body.pagination.hasMore).toBe(false);
  });
});
