import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, signup, startTestMittr } from '../../test/support/mittr.ts';
import { RecordingSink } from '../../test/support/sink.ts';

type Attempt = { endpointId: string | null; durationMs: number; attemptedAt: string; outcome: string };
type Bucket = { start: string; [k: string]: unknown };
const HOUR_MS = 3_600_000;
/** The exact percentile the sketch estimates: the value at rank ⌊q·(n−1)⌋ of the sorted durations. */
const exact = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.floor(q * (values.length - 1))]!;
const within1pc = (estimate: number, truth: number) => (truth === 0 ? estimate === 0 : Math.abs(estimate - truth) / truth <= 0.01);

/**
 * Analytics on the real stack, over a known workload: endpoint A answers 200 after known delays,
 * B answers 410 (dead at once), C answers 500 twice (a retry, then dead; its circuit opens), D
 * is slower than its timeout, and a direct destination on a refused port (127.0.0.1:9).
 */
describe('GET /api/v1/analytics/*', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  const sink = new RecordingSink();
  let call: ReturnType<typeof api>;
  const ep: Record<'a' | 'b' | 'c' | 'd', string> = { a: '', b: '', c: '', d: '' };
  const attempts: Attempt[] = [];
  const delays = [0, 5, 10, 20, 30, 45, 60, 90, 120, 200];

  beforeAll(async () => {
    const sinkUrl = await sink.start();
    sink.responder = async (r) => {
      const mode = r.url.split('/')[1];
      if (mode === 'gone') return { status: 410 };
      if (mode === 'fail') return { status: 500 };
      if (mode === 'slow') return { status: 200, hang: true };
      await new Promise((done) => setTimeout(done, (JSON.parse(r.body) as { d: number }).d));
      return { status: 200 };
    };
    env = await startTestMittr();
    call = api(env.url, (await signup(env.url)).apiKey);
    const create = async (path: string, type: string, config: Record<string, unknown> = {}) =>
      (await call('POST', '/api/v1/endpoints', { url: `${sinkUrl}/${path}`, eventTypes: [type], ...config })).body.id as string;
    ep.a = await create('ok', 'a.ok');
    ep.b = await create('gone', 'b.gone');
    ep.c = await create('fail', 'c.fail', { maxRetries: 2, retryBackoffMs: 200, circuitThreshold: 2, circuitResetMs: 60_000 });
    ep.d = await create('slow', 'd.slow', { maxRetries: 1, timeoutMs: 200 });
    let n = 0;
    const send = async (body: Record<string, unknown>) => {
      const res = await call('POST', '/api/v1/events', body, { 'x-idempotency-key': `an-${++n}` });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const ids = [
      ...await Promise.all(delays.map((d) => send({ eventType: 'a.ok', payload: { d } }))),
      ...await Promise.all([1, 2, 3].map(() => send({ eventType: 'b.gone', payload: {} }))),
      await send({ eventType: 'c.fail', payload: {} }),
      await send({ eventType: 'd.slow', payload: {} }),
      ...await Promise.all([1, 2].map(() => send({ destination: 'http://127.0.0.1:9/x', payload: {}, maxAttempts: 1 }))),
    ];
    for (const id of ids) {
      const done = await eventually(async () => {
        // The status first: the attempts read after it has ended include its last one (read the
        // other way round, the last attempt could land between the two reads and be missed).
        const status = (await call('GET', `/api/v1/events/${id}`)).body.status;
        if (!['delivered', 'dead'].includes(status)) return undefined;
        return (await call('GET', `/api/v1/events/${id}/deliveries`)).body.deliveries as Attempt[];
      });
      attempts.push(...done);
    }
    expect(attempts).toHaveLength(18);
    // The analytics projector trails the log like every read model: wait for all of it (and the circuit).
    await eventually(async () => {
      const s = (await call('GET', '/api/v1/analytics/summary')).body;
      const c = ((await call('GET', `/api/v1/analytics/endpoint-health?endpointId=${ep.c}`)).body.data ?? [])[0];
      return s.delivered + s.deadLettered === 17 && s.failed === 8 && s.sent === 17 && c?.circuitState === 'open';
    });
  });
  afterAll(async () => {
    await env?.stop();
    await sink.stop();
  });

  it('summary: sent, delivered, failed attempts, dead-lettered and the success rate', async () => {
    const res = await call('GET', '/api/v1/analytics/summary');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ sent: 17, delivered: 10, failed: 8, deadLettered: 7, successRate: 10 / 17 });
    expect(Date.parse(res.body.to) - Date.parse(res.body.from)).toBe(24 * HOUR_MS);
    // One endpoint: the deliveries it started.
    expect((await call('GET', `/api/v1/analytics/summary?endpointId=${ep.c}`)).body).toMatchObject({ sent: 1, delivered: 0, failed: 2, deadLettered: 1, successRate: 0 });
    expect((await call('GET', `/api/v1/analytics/summary?endpointId=${ep.a}`)).body).toMatchObject({ sent: 10, delivered: 10, failed: 0, deadLettered: 0, successRate: 1 });
  });

  it('outcomes and throughput: every hourly bucket of the day, the workload in the hours it happened', async () => {
    const outcomes = (await call('GET', '/api/v1/analytics/outcomes')).body;
    expect(outcomes.granularity).toBe('hour');
    expect(outcomes.buckets).toHaveLength(25);
    const sum = (buckets: Bucket[], k: string) => buckets.reduce((n, b) => n + (b[k] as number), 0);
    expect(['delivered', 'retried', 'dead', 'cancelled'].map((k) => sum(outcomes.buckets, k))).toEqual([10, 1, 7, 0]);
    const throughput = (await call('GET', '/api/v1/analytics/throughput')).body;
    expect(throughput.buckets.map((b: Bucket) => b.start)).toEqual(outcomes.buckets.map((b: Bucket) => b.start));
    expect(sum(throughput.buckets, 'events')).toBe(17);
    for (const b of throughput.buckets) expect(b.eventsPerSec).toBe(b.events / 3600);
    // A month: daily buckets, the same totals.
    const from = new Date(Date.now() - 30 * 24 * HOUR_MS).toISOString();
    const month = (await call('GET', `/api/v1/analytics/outcomes?from=${from}`)).body;
    expect(month.granularity).toBe('day');
    expect(month.buckets).toHaveLength(31);
    expect(month.buckets[0].start).toMatch(/T00:00:00\.000Z$/);
    expect(sum(month.buckets, 'dead')).toBe(7);
  });

  it('failures: by category over the range, adding up to the failed attempts', async () => {
    const res = (await call('GET', '/api/v1/analytics/failures')).body;
    expect(res.totals).toEqual({ timeout: 1, '4xx': 3, '5xx': 2, dns: 0, tls: 0, refused: 2, reset: 0, blocked: 0, transform: 0, other: 0 });
    expect(res.buckets.reduce((n: number, b: Bucket) => n + (b['4xx'] as number), 0)).toBe(3);
  });

  it('latency: each hour\'s p50, p95 and p99 within 1 % of the exact percentiles of its attempts', async () => {
    const res = (await call('GET', '/api/v1/analytics/latency')).body;
    const measured = res.buckets.filter((b: Bucket) => (b.count as number) > 0);
    expect(measured.reduce((n: number, b: Bucket) => n + (b.count as number), 0)).toBe(18);
    for (const b of measured) {
      const raw = attempts.filter((a) => Math.floor(Date.parse(a.attemptedAt) / HOUR_MS) * HOUR_MS === Date.parse(b.start)).map((a) => a.durationMs);
      expect(b.count).toBe(raw.length);
      for (const [q, k] of [[0.5, 'p50'], [0.95, 'p95'], [0.99, 'p99']] as const) {
        expect(within1pc(b[k] as number, exact(raw, q)), `${k} ${String(b[k])} vs ${exact(raw, q)}`).toBe(true);
      }
    }
    expect(res.buckets.find((b: Bucket) => b.count === 0)).toMatchObject({ p50: null, p95: null, p99: null });
  });

  it('endpoint-health: rate of successful attempts, p95 latency, circuit, latest success and failure, per endpoint', async () => {
    const res = (await call('GET', '/api/v1/analytics/endpoint-health')).body;
    expect(res.data.map((e: { endpointId: string }) => e.endpointId)).toEqual([ep.a, ep.b, ep.c, ep.d]);
    const of = (id: string) => attempts.filter((a) => a.endpointId === id);
    const latest = (xs: Attempt[]) => (xs.length === 0 ? null : new Date(Math.max(...xs.map((a) => Date.parse(a.attemptedAt)))).toISOString());
    for (const [id, rate, circuit] of [[ep.a, 1, 'closed'], [ep.b, 0, 'closed'], [ep.c, 0, 'open'], [ep.d, 0, 'closed']] as const) {
      const h = res.data.find((e: { endpointId: string }) => e.endpointId === id);
      expect(h).toMatchObject({ attempts: of(id).length, deliveryRate: rate, circuitState: circuit, url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\//) });
      expect(h.lastSuccessAt).toBe(latest(of(id).filter((a) => a.outcome === 'success')));
      expect(h.lastFailureAt).toBe(latest(of(id).filter((a) => a.outcome !== 'success')));
      expect(within1pc(h.p95LatencyMs, exact(of(id).map((a) => a.durationMs), 0.95)), `p95 of ${id}`).toBe(true);
    }
    expect((await call('GET', `/api/v1/analytics/endpoint-health?endpointId=${ep.b}`)).body.data).toHaveLength(1);
  });

  it('answers a key holding only analytics:read; refuses one without it', async () => {
    const key = async (scopes: string[]) => api(env.url, (await call('POST', '/api/v1/api-keys', { name: `key for ${scopes.join(' ')}`, scopes })).body.key);
    expect((await (await key(['analytics:read']))('GET', '/api/v1/analytics/summary')).body.sent).toBe(17);
    expect((await (await key(['events:read']))('GET', '/api/v1/analytics/summary')).body.code).toBe('INSUFFICIENT_SCOPE');
  });

  it('refuses a range that ends before it starts, spans more than 366 days, or a malformed endpoint id or time: 400', async () => {
    for (const q of ['from=2026-05-02T00:00:00Z&to=2026-05-01T00:00:00Z', 'from=2025-01-01T00:00:00Z&to=2026-01-03T00:00:00Z', 'endpointId=nope', 'from=yesterday']) {
      for (const route of ['summary', 'latency', 'endpoint-health']) {
        expect(await call('GET', `/api/v1/analytics/${route}?${q}`), `${route}?${q}`).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
      }
    }
  });

  it('answers an empty range (from = to on an hour\'s start) with nothing in it, not a server error', async () => {
    const q = `?endpointId=${ep.a}&from=2000-01-01T00:00:00Z&to=2000-01-01T00:00:00Z`;
    expect(await call('GET', `/api/v1/analytics/summary${q}`)).toMatchObject({ status: 200, body: { sent: 0, delivered: 0, failed: 0, deadLettered: 0 } });
    for (const route of ['outcomes', 'throughput', 'latency']) {
      expect(await call('GET', `/api/v1/analytics/${route}${q}`), route).toMatchObject({ status: 200, body: { buckets: [] } });
    }
    expect(await call('GET', `/api/v1/analytics/failures${q}`)).toMatchObject({ status: 200 });
    const health = await call('GET', `/api/v1/analytics/endpoint-health${q}`);
    expect(health.status).toBe(200);
    expect(health.body.data).toMatchObject([{ endpointId: ep.a }]);
  });

  it('shows another workspace nothing: zeros, with or without this workspace\'s endpoint id', async () => {
    const other = api(env.url, (await signup(env.url)).apiKey);
    for (const q of ['', `?endpointId=${ep.a}`]) {
      expect((await other('GET', `/api/v1/analytics/summary${q}`)).body).toMatchObject({ sent: 0, delivered: 0, failed: 0, deadLettered: 0, successRate: null });
      const outcomes = (await other('GET', `/api/v1/analytics/outcomes${q}`)).body;
      expect(outcomes.buckets).toHaveLength(25);
      expect(outcomes.buckets.every((b: Bucket) => b.delivered === 0 && b.retried === 0 && b.dead === 0)).toBe(true);
      expect((await other('GET', `/api/v1/analytics/latency${q}`)).body.buckets.every((b: Bucket) => b.count === 0)).toBe(true);
      expect(Object.values((await other('GET', `/api/v1/analytics/failures${q}`)).body.totals).every((v) => v === 0)).toBe(true);
      expect((await other('GET', `/api/v1/analytics/throughput${q}`)).body.buckets.every((b: Bucket) => b.events === 0)).toBe(true);
      expect((await other('GET', `/api/v1/analytics/endpoint-health${q}`)).body.data).toEqual([]);
    }
  });
});
