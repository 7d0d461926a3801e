import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, signup, startTestMittr } from '../../test/support/mittr.ts';
import { RecordingSink } from '../../test/support/sink.ts';

type Row = { endpointId: string; limit: number | null; sendRate: number; waiting: number; longestWaitMs: number; expectedWaitMs: number; engines: number };

/**
 * GET /metrics/rate-limits on the real stack: an endpoint limited to 2 a second, on a sink on
 * loopback, is sent 20 events at once; while the engine paces them the route shows them waiting,
 * the limit and a send rate near it, and once they are all delivered none waits.
 */
describe('GET /metrics/rate-limits', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  let call: ReturnType<typeof api>;
  let limited: string;
  let free: string;
  const sink = new RecordingSink();
  const rows = async () => (await call('GET', '/api/v1/metrics/rate-limits')).body.endpoints as Row[];
  const rowOf = async (id: string) => (await rows()).find((r) => r.endpointId === id)!;

  beforeAll(async () => {
    const url = await sink.start();
    env = await startTestMittr();
    const account = await signup(env.url);
    call = api(env.url, account.apiKey);
    limited = (await call('POST', '/api/v1/endpoints', { url: `${url}/slow`, eventTypes: ['paced.*'], rateLimitPerSec: 2 })).body.id;
    free = (await call('POST', '/api/v1/endpoints', { url: `${url}/free`, eventTypes: ['free.*'] })).body.id;
  }, 60_000);
  afterAll(async () => {
    await env?.stop();
    await sink.stop();
  });

  it('shows every endpoint of the project, a limit of null for one without', async () => {
    const all = await rows();
    expect(all.map((r) => r.endpointId)).toEqual([limited, free]);
    expect(all[0]).toMatchObject({ limit: 2, waiting: 0 });
    expect(all[1]).toMatchObject({ limit: null, waiting: 0, longestWaitMs: 0, expectedWaitMs: 0 });
  });

  it('shows the deliveries waiting on the limit, how long, and a send rate near the limit; none waiting once they drained', async () => {
    const sent = 20;
    const send = (eventType: string, i: number) => call('POST', '/api/v1/events', { eventType, payload: { i } }, { 'x-idempotency-key': `${eventType}-${i}` });
    const posted = await Promise.all(Array.from({ length: sent }, (_, i) => send('paced.tick', i)));
    for (let i = 0; i < 3; i++) posted.push(await send('free.tick', i));
    expect(posted.map((p) => p.status)).toEqual(posted.map(() => 201));
    // Some seconds in: the engine has read them all and sends two a second.
    const seen: Row[] = [];
    const waiting = await eventually(async () => {
      const r = await rowOf(limited);
      seen.push(r);
      return r.waiting >= 5 && r.sendRate >= 1.2 && r.longestWaitMs >= 2_000 ? r : null;
    }, 20_000, 250).catch((err: Error) => { throw new Error(`${err.message}; seen ${JSON.stringify(seen.slice(-5))}`); });
    expect(waiting).toMatchObject({ limit: 2, engines: 1 });
    expect(waiting.sendRate).toBeLessThanOrEqual(2.5);
    // The queue drains at the limit: what a newcomer would wait is about what waits, at 2 a second.
    expect(waiting.expectedWaitMs).toBeGreaterThan((waiting.waiting - 2) * 500);
    expect(waiting.expectedWaitMs).toBeLessThan((waiting.waiting + 3) * 500);
    expect(sink.received.filter((r) => r.url === '/slow').length).toBeLessThan(sent);
    // The endpoint without a limit is not held: its deliveries went at once, and its sends are counted.
    const unlimited = await rowOf(free);
    expect(unlimited).toMatchObject({ limit: null, waiting: 0 });
    expect(sink.received.filter((r) => r.url === '/free')).toHaveLength(3);

    await sink.waitFor((got) => got.filter((r) => r.url === '/slow').length === sent, 30_000);
    const drained = await eventually(async () => {
      const r = await rowOf(limited);
      return r.waiting === 0 ? r : null;
    }, 5_000, 250);
    expect(drained).toMatchObject({ waiting: 0, longestWaitMs: 0 });
    expect((await call('GET', `/api/v1/metrics/rate-limits/endpoint/${limited}`)).body).toMatchObject({ endpointId: limited, limit: 2, waiting: 0 });
  }, 60_000);

  it('answers 404 for an unknown endpoint and another tenant\'s, and needs stats:read', async () => {
    const other = await signup(env.url);
    const theirs = api(env.url, other.apiKey);
    expect(await theirs('GET', `/api/v1/metrics/rate-limits/endpoint/${limited}`)).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect((await theirs('GET', '/api/v1/metrics/rate-limits')).body).toMatchObject({ projectId: other.projectId, endpoints: [] });
    expect(await call('GET', '/api/v1/metrics/rate-limits/endpoint/00000000-0000-4000-8000-000000000000')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect((await call('GET', '/api/v1/metrics/rate-limits/endpoint/not-an-id')).status).toBe(404);
    const deleted = (await call('POST', '/api/v1/endpoints', { url: 'https://example.com/x', eventTypes: ['x.*'] })).body.id;
    expect((await call('DELETE', `/api/v1/endpoints/${deleted}`)).status).toBe(204);
    expect((await call('GET', `/api/v1/metrics/rate-limits/endpoint/${deleted}`)).status).toBe(404);
    const narrow = (await call('POST', '/api/v1/api-keys', { name: 'events only', scopes: ['events:read'] })).body.key;
    for (const path of ['/api/v1/metrics/rate-limits', `/api/v1/metrics/rate-limits/endpoint/${limited}`]) {
      expect(await api(env.url, narrow)('GET', path)).toMatchObject({ status: 403, body: { code: 'INSUFFICIENT_SCOPE', requiredScope: 'stats:read' } });
    }
    const reader = (await call('POST', '/api/v1/api-keys', { name: 'stats', scopes: ['stats:read'] })).body.key;
    expect((await api(env.url, reader)('GET', `/api/v1/metrics/rate-limits/endpoint/${limited}`)).body).toMatchObject({ endpointId: limited, limit: 2 });
  });
});
