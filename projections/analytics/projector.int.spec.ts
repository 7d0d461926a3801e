import { describe, expect, it } from 'vitest';
import { encodeSketch, mergeSketches, percentilesOf } from '../../services/analytics/domain/latency.ts';
import { DAY_MS, HOUR_MS } from '../../services/analytics/domain/range.ts';
import type { DomainEvent } from '../../services/capabilities.ts';
import type { DeliveryAttempted } from '../../services/deliveries/domain/messages.ts';
import type { EventAccepted } from '../../services/events/domain/messages.ts';
import { projectionFixture } from '../../test/support/mittr.ts';
import { atPositions, redeliverySpec } from '../../test/support/redelivery.ts';
import { analyticsProjection } from './projector.ts';
import { endpointRanges, hourlyCounts, hourlySketches } from './queries.ts';

const topics = { events: 'events', outcomes: 'outcomes' };
const A = '0b7e6c1a-6f0e-4f43-8f57-7d2e1b9b6a01';
const B = '5c2d1e0f-9a8b-4c7d-8e6f-0a1b2c3d4e5f';
const EP1 = '9f8e7d6c-5b4a-4392-8180-7f6e5d4c3b2a';
const EP2 = '1a2b3c4d-5e6f-4701-8293-a4b5c6d7e8f9';
const H = Date.UTC(2026, 4, 25, 10);
let n = 0;
const uuid = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;

const accepted = (projectId: string, createdAt: number): EventAccepted => ({
  type: 'EventAccepted', eventId: uuid(), accountId: projectId, projectId, idempotencyKey: `k${n}`, destination: null, eventType: 'x',
  payload: '{}', headers: {}, maxAttempts: 3, priority: 5, delaySeconds: 0, createdAt, maxAttemptsSet: false, configOffset: 0,
});
const attempt = (projectId: string, endpointId: string | null, attemptedAt: number, over: Partial<DeliveryAttempted> = {}): DeliveryAttempted => ({
  type: 'DeliveryAttempted', attemptId: uuid(), dispatchId: uuid(), eventId: uuid(), accountId: projectId, projectId, endpointId,
  eventType: 'x', url: 'https://example.com/h', attemptNumber: 1, maxAttempts: 3, outcome: 'success', disposition: 'delivered',
  statusCode: 200, responseBody: '', error: '', errorCategory: null, durationMs: 40, processingOverheadUs: 0, attemptedAt,
  nextAttemptAt: null, eventCreatedAt: attemptedAt - 5, ...over,
});
const failed = (status: number | null, category: string, disposition: 'retry' | 'dead', attemptNumber = 1): Partial<DeliveryAttempted> =>
  ({ outcome: category === 'timeout' ? 'timeout' : 'failure', disposition, statusCode: status, errorCategory: category, attemptNumber });
/** An event record the projection does not count: skipped. */
const routed = (e: EventAccepted): DomainEvent => ({ type: 'EventRouted', eventId: e.eventId, accountId: e.accountId, projectId: e.projectId, destinations: [], routedAt: e.createdAt + 1 });

const a1 = accepted(A, H + 10);
const a2 = accepted(A, H + 20);
const b1 = accepted(B, H + HOUR_MS + 5);
const history: DomainEvent[][] = [
  [a1, routed(a1), a2, b1],
  [attempt(A, EP1, H + 100, { durationMs: 30 }), attempt(A, EP1, H + 200, { ...failed(500, '5xx', 'retry'), durationMs: 80 }),
    attempt(A, null, H + 300, { ...failed(null, 'refused', 'dead'), durationMs: 1 })],
  [attempt(A, EP1, H + HOUR_MS + 10, { ...failed(500, '5xx', 'dead', 2), durationMs: 90 }), attempt(A, EP2, H + 400, { ...failed(410, '4xx', 'dead'), durationMs: 12 })],
  [attempt(A, EP2, H + 500, { statusCode: null, errorCategory: 'cancelled', durationMs: 0 }),
    attempt(A, EP2, H + 600, { ...failed(null, 'transform', 'retry'), durationMs: 0 }), attempt(B, EP1, H + HOUR_MS + 20, { ...failed(null, 'timeout', 'dead'), durationMs: 5_000 })],
];

describe('analytics projection', () => {
  const projection = analyticsProjection(topics);
  const { db } = projectionFixture(projection);
  const { deliver, redeliver } = atPositions(projection, db);
  const scope = { accountId: A, projectId: A };
  const range = { firstHour: H, endHour: H + 2 * HOUR_MS, granularity: 'hour' as const };
  const DAY = Math.floor(H / DAY_MS) * DAY_MS;

  it('counts each record once, in its hour and endpoint; the other workspace\'s apart', async () => {
    const delivered: Awaited<ReturnType<typeof deliver>>[] = [];
    for (const batch of history) delivered.push(await deliver(batch));
    for (const batch of delivered) await redeliver(batch);
    const hours = await hourlyCounts(db(), scope, range);
    expect(hours.map((h) => ({ ...h, failures: Object.fromEntries(Object.entries(h.failures).filter(([, v]) => v > 0)) }))).toEqual([
      { hour: H, accepted: 2, dispatched: 6, delivered: 1, retried: 2, dead: 2, cancelled: 1, failed: 4, failures: { '5xx': 1, refused: 1, '4xx': 1, transform: 1 } },
      { hour: H + HOUR_MS, accepted: 0, dispatched: 0, delivered: 0, retried: 0, dead: 1, cancelled: 0, failed: 1, failures: { '5xx': 1 } },
    ]);
    expect((await hourlyCounts(db(), scope, { ...range, endpointId: EP2 })).map((h) => [h.dispatched, h.dead, h.cancelled, h.failed])).toEqual([[3, 1, 1, 2]]);
    expect((await hourlyCounts(db(), { accountId: B, projectId: B }, range)).map((h) => [h.hour, h.accepted, h.failures.timeout])).toEqual([[H + HOUR_MS, 1, 1]]);
    // Another account's scope sees nothing of A's project.
    expect(await hourlyCounts(db(), { accountId: B, projectId: A }, range)).toEqual([]);
    // Latency: network attempts only (not the cancel nor the failed transformation).
    // Each endpoint's attempts (the direct destinations under ''), its hours' sketches concatenated.
    const ranges = await endpointRanges(db(), scope, range);
    expect(ranges.map((r) => [r.endpoint, r.delivered, r.failed, percentilesOf(mergeSketches(r.sketches)).count]))
      .toEqual([['', 0, 1, 1], [EP2, 0, 2, 1], [EP1, 1, 2, 3]].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)));
    expect((await endpointRanges(db(), scope, { ...range, endpointId: EP1 })).map((r) => r.endpoint)).toEqual([EP1]);
    expect(await endpointRanges(db(), { accountId: B, projectId: A }, range)).toEqual([]);
    // All endpoints together: the project's own row an hour, holding the same durations.
    const all = await hourlySketches(db(), scope, range);
    expect(all.map((s) => s.hour)).toEqual([H, H + HOUR_MS]);
    expect(mergeSketches(all.map((s) => s.sketch)).toProto()).toEqual(mergeSketches(ranges.flatMap((r) => r.sketches)).toProto());
  });

  it('answers whole days from the day\'s rows and the hours at the ends from the hours\', the same counts as hour by hour', async () => {
    const day = { firstHour: DAY, endHour: DAY + DAY_MS, granularity: 'day' as const };
    expect(await hourlyCounts(db(), scope, day)).toEqual([{
      hour: DAY, accepted: 2, dispatched: 6, delivered: 1, retried: 2, dead: 3, cancelled: 1, failed: 5,
      failures: { timeout: 0, '4xx': 1, '5xx': 2, dns: 0, tls: 0, refused: 1, reset: 0, blocked: 0, transform: 1, other: 0 },
    }]);
    const sum = (rows: Awaited<ReturnType<typeof hourlyCounts>>) => rows.reduce((n, h) => n + h.delivered + 10 * h.dead + 100 * h.failed + 1_000 * h.accepted, 0);
    for (const [from, to, hoursIn] of [[DAY - 5 * HOUR_MS, DAY + 3 * DAY_MS, 0], [H + HOUR_MS, DAY + 9 * DAY_MS, 1], [DAY - 9 * DAY_MS, H + HOUR_MS, 1]] as const) {
      const byDay = await hourlyCounts(db(), scope, { firstHour: from, endHour: to, granularity: 'day' });
      const byHour = await hourlyCounts(db(), scope, { firstHour: from, endHour: to, granularity: 'hour' });
      expect(sum(byDay), `${new Date(from).toISOString()}..${new Date(to).toISOString()}`).toBe(sum(byHour));
      expect(byDay.filter((h) => h.hour % DAY_MS !== 0)).toHaveLength(hoursIn);
      // Each endpoint's the same from days and end hours as from every hour: its counts and its merged sketch.
      const health = async (granularity: 'day' | 'hour') => (await endpointRanges(db(), scope, { firstHour: from, endHour: to, granularity }))
        .map((r) => ({ ...r, sketches: Buffer.from(encodeSketch(mergeSketches(r.sketches))).toString('base64') }));
      expect(await health('day')).toEqual(await health('hour'));
    }
  });

  it('answers a 30-day all-endpoint latency from the hours\' sketches, and from the days\' and the end hours\', each percentile within 1 % of the exact one', async () => {
    const project = '3d0c9b1e-5a7f-4c2d-8e6b-1f2a3b4c5d6e';
    const start = H - 30 * 24 * HOUR_MS;
    const raw: { ms: number; at: number; endpoint: string | null }[] = [];
    const batches: DomainEvent[][] = [];
    for (let i = 0; i < 3_000; i++) {
      const ms = i % 97 === 0 ? 0 : Math.round(5 + ((i * 7_919) % 1_000) ** 1.3 / 10);
      const at = start + ((i * 3_613) % (30 * 24)) * HOUR_MS + i;
      const endpoint = [EP1, EP2, null][i % 3]!;
      raw.push({ ms, at, endpoint });
      if (i % 250 === 0) batches.push([]);
      batches.at(-1)!.push(attempt(project, endpoint, at, { durationMs: ms }));
    }
    for (const b of batches) await deliver(b);
    const projectScope = { accountId: project, projectId: project };
    const within1pc = (sketches: { sketch: Uint8Array }[], values: number[], what: string) => {
      const p = percentilesOf(mergeSketches(sketches.map((s) => s.sketch)));
      const sorted = [...values].sort((x, y) => x - y);
      expect(p.count, what).toBe(values.length);
      for (const [q, est] of [[0.5, p.p50], [0.95, p.p95], [0.99, p.p99]] as const) {
        const truth = sorted[Math.floor(q * (values.length - 1))]!;
        expect(Math.abs(est! - truth) / truth, `${what} p${q * 100}`).toBeLessThanOrEqual(0.01);
      }
    };
    const whole = { firstHour: start, endHour: H + HOUR_MS };
    const hourly = await hourlySketches(db(), projectScope, { ...whole, granularity: 'hour' });
    expect(hourly.length).toBeGreaterThan(500);
    within1pc(hourly, raw.map((r) => r.ms), 'hour by hour');
    // By day, over a range that starts and ends inside a day: whole days and the hours at the ends.
    const cut = { firstHour: start + 7 * HOUR_MS, endHour: H - 5 * HOUR_MS };
    const inCut = raw.filter((r) => r.at >= cut.firstHour && r.at < cut.endHour);
    const daily = await hourlySketches(db(), projectScope, { ...cut, granularity: 'day' });
    expect(daily.length).toBeLessThan(60);
    within1pc(daily, inCut.map((r) => r.ms), 'days and end hours');
    const ep1 = await endpointRanges(db(), projectScope, { ...cut, endpointId: EP1, granularity: 'day' });
    within1pc(ep1.flatMap((r) => r.sketches.map((sketch) => ({ sketch }))), inCut.filter((r) => r.endpoint === EP1).map((r) => r.ms), 'one endpoint by day');
  });
});

describe('analytics projection under redelivery', () => {
  redeliverySpec(analyticsProjection(topics), history);
});
