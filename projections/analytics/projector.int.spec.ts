import { describe, expect, it } from 'vitest';
import { mergeSketches, percentilesOf } from '../../services/analytics/domain/latency.ts';
import { HOUR_MS } from '../../services/analytics/domain/range.ts';
import type { DomainEvent } from '../../services/capabilities.ts';
import type { DeliveryAttempted } from '../../services/deliveries/domain/messages.ts';
import type { EventAccepted } from '../../services/events/domain/messages.ts';
import { projectionFixture } from '../../test/support/mittr.ts';
import { redeliverySpec } from '../../test/support/redelivery.ts';
import { analyticsProjection } from './projector.ts';
import { hourlyCounts, hourlySketches } from './queries.ts';

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
  const { db, apply } = projectionFixture(analyticsProjection(topics));
  const scope = { accountId: A, projectId: A };
  const range = { firstHour: H, endHour: H + 2 * HOUR_MS };

  it('counts each record once, in its hour and endpoint; the other workspace\'s apart', async () => {
    for (const batch of history) await apply(batch);
    for (const batch of history) await apply(batch);
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
    const sketches = await hourlySketches(db(), scope, range);
    expect(sketches.map((s) => [s.hour, s.endpoint]).sort()).toEqual([[H, ''], [H, EP1], [H, EP2], [H + HOUR_MS, EP1]].sort());
    expect(percentilesOf(mergeSketches(sketches.map((s) => s.sketch))).count).toBe(5);
  });

  it('answers a 30-day all-endpoint latency from the hours\' sketches, each percentile within 1 % of the exact one', async () => {
    const project = '3d0c9b1e-5a7f-4c2d-8e6b-1f2a3b4c5d6e';
    const start = H - 30 * 24 * HOUR_MS;
    const raw: number[] = [];
    const batches: DomainEvent[][] = [];
    for (let i = 0; i < 3_000; i++) {
      const ms = i % 97 === 0 ? 0 : Math.round(5 + ((i * 7_919) % 1_000) ** 1.3 / 10);
      raw.push(ms);
      if (i % 250 === 0) batches.push([]);
      batches.at(-1)!.push(attempt(project, [EP1, EP2, null][i % 3]!, start + ((i * 3_613) % (30 * 24)) * HOUR_MS + i, { durationMs: ms }));
    }
    for (const b of batches) await apply(b);
    const sketches = await hourlySketches(db(), { accountId: project, projectId: project }, { firstHour: start, endHour: H + HOUR_MS });
    expect(sketches.length).toBeGreaterThan(500);
    const p = percentilesOf(mergeSketches(sketches.map((s) => s.sketch)));
    const sorted = [...raw].sort((x, y) => x - y);
    expect(p.count).toBe(raw.length);
    for (const [q, est] of [[0.5, p.p50], [0.95, p.p95], [0.99, p.p99]] as const) {
      const truth = sorted[Math.floor(q * (raw.length - 1))]!;
      expect(Math.abs(est! - truth) / truth, `p${q * 100}`).toBeLessThanOrEqual(0.01);
    }
  });
});

describe('analytics projection under redelivery', () => {
  redeliverySpec(analyticsProjection(topics), history);
});
