import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, signup, startTestMittr } from '../../test/support/mittr.ts';
import { RecordingSink } from '../../test/support/sink.ts';

/**
 * GET /stats on the real stack after a known workload, delivered to a sink on loopback:
 * 3 events delivered (/ok), 1 dead after its 2 attempts (/dead answers 500), 1 waiting on a retry
 * an hour away (an endpoint backing off 1 h), 2 held by a paused endpoint (routed, not attempted).
 */
describe('GET /stats', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  let call: ReturnType<typeof api>;
  let projectId: string;
  const sink = new RecordingSink();
  const stats = async (headers: Record<string, string> = {}) => (await call('GET', '/api/v1/stats', undefined, headers)).body;
  const expected = {
    events: { total: 7, queued: 2, delivering: 0, delivered: 3, failed: 1, dead: 1 },
    deliveries: { notAttempted: 2, retryScheduled: 1, dead: 1 },
    lastMinute: { attempts: 6, successes: 3 },
  };

  beforeAll(async () => {
    sink.responder = (r) => ({ status: r.url.startsWith('/ok') ? 200 : 500 });
    const sinkUrl = await sink.start();
    env = await startTestMittr();
    const account = await signup(env.url);
    projectId = account.projectId;
    call = api(env.url, account.apiKey);
    const endpoint = async (body: object) => (await call('POST', '/api/v1/endpoints', body)).body.id as string;
    const retrying = await endpoint({ url: `${sinkUrl}/retry`, eventTypes: ['retry.*'], retryBackoffMs: 3_600_000 });
    const paused = await endpoint({ url: `${sinkUrl}/ok/paused`, eventTypes: ['held.*'] });
    expect((await call('POST', `/api/v1/endpoints/${paused}/pause`)).status).toBe(200);
    const send = async (body: object, key: string) => (await call('POST', '/api/v1/events', body, { 'x-idempotency-key': key })).body.id as string;
    const ok = [];
    for (let i = 0; i < 3; i++) ok.push(await send({ destination: `${sinkUrl}/ok`, payload: { i } }, `ok${i}`));
    const dead = await send({ destination: `${sinkUrl}/dead`, payload: {}, maxAttempts: 2 }, 'dead');
    const retry = await send({ eventType: 'retry.me', payload: {} }, 'retry');
    for (let i = 0; i < 2; i++) await send({ eventType: 'held.back', payload: { i } }, `held${i}`);
    const status = async (id: string) => (await call('GET', `/api/v1/events/${id}`)).body.status;
    for (const id of ok) await eventually(async () => (await status(id)) === 'delivered', 30_000);
    await eventually(async () => (await status(dead)) === 'dead', 30_000);
    await eventually(async () => (await status(retry)) === 'failed', 30_000);
    expect(retrying).toBeTruthy();
  }, 90_000);
  afterAll(async () => {
    await env?.stop();
    await sink.stop();
  });

  it('counts the project\'s events by status, the deliveries waiting and dead, and the last minute\'s attempts', async () => {
    // The paused endpoint's two deliveries are routed once the router has seen the events.
    await eventually(async () => (await stats()).deliveries.notAttempted === 2, 30_000);
    expect(sink.received).toHaveLength(6);
    expect(await stats()).toMatchObject({ projectId, ...expected });
  });

  it('gives every consumer group\'s and projector\'s lag, in records, never negative', async () => {
    const { lag, at } = await stats();
    expect(Date.parse(at)).toBeGreaterThan(Date.now() - 60_000);
    expect(Date.parse(lag.measuredAt)).toBeGreaterThan(Date.now() - 60_000);
    const groups = lag.consumerGroups.map((g: { group: string }) => g.group);
    // Every read model shares one consumer group (projector.all); each projector's lag is its own checkpoints'.
    expect(groups).toEqual(expect.arrayContaining(['router', 'engine.normal', 'projector.all']));
    expect(lag.projections.map((p: { projector: string }) => p.projector)).toEqual(expect.arrayContaining(['events', 'usage', 'usage-attempts', 'audit', 'analytics']));
    for (const x of [...lag.consumerGroups, ...lag.projections]) expect(Number.isInteger(x.lag) && x.lag >= 0, JSON.stringify(x)).toBe(true);
    // Caught up: the events projector is at most a transaction marker per partition behind.
    await eventually(async () => (await stats()).lag.projections.find((p: { projector: string }) => p.projector === 'events').lag <= 2 * env.config.partitions, 30_000);
  });

  it('answers a burst of requests from one read of the lag a second', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => stats()));
    expect(new Set(answers.map((a) => a.lag.measuredAt)).size).toBeLessThanOrEqual(2);
  });

  it('counts only the project asked for, and needs the stats:read scope', async () => {
    const other = (await call('POST', '/api/v1/projects', { name: 'empty' })).body.id as string;
    expect(await stats({ 'x-project-id': other })).toMatchObject({
      projectId: other,
      events: { total: 0, queued: 0, delivering: 0, delivered: 0, failed: 0, dead: 0 },
      deliveries: { notAttempted: 0, retryScheduled: 0, dead: 0 },
      lastMinute: { attempts: 0, successes: 0 },
    });
    const narrow = (await call('POST', '/api/v1/api-keys', { name: 'usage only', scopes: ['usage:read'] })).body.key;
    expect(await api(env.url, narrow)('GET', '/api/v1/stats')).toMatchObject({ status: 403, body: { code: 'INSUFFICIENT_SCOPE', requiredScope: 'stats:read' } });
    const reader = (await call('POST', '/api/v1/api-keys', { name: 'stats', scopes: ['stats:read'] })).body.key;
    expect((await api(env.url, reader)('GET', '/api/v1/stats')).body).toMatchObject(expected);
  });
});
