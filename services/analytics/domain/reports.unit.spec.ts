import { describe, expect, it } from 'vitest';
import { withDurations } from './latency.ts';
import { analyticsRange, HOUR_MS } from './range.ts';
import { failuresReport, healthReport, latencyReport, outcomesReport, summaryReport, throughputReport, type HourCounts } from './reports.ts';
import { FAILURE_CATEGORIES, type FailureCategory } from './tally.ts';

const NOW = Date.parse('2026-05-25T10:17:00Z');
const H10 = Date.parse('2026-05-25T10:00:00Z');
const H8 = H10 - 2 * HOUR_MS;
const failures = (over: Partial<Record<FailureCategory, number>> = {}) =>
  ({ ...Object.fromEntries(FAILURE_CATEGORIES.map((c) => [c, 0])), ...over }) as Record<FailureCategory, number>;
const hour = (h: number, over: Partial<HourCounts>): HourCounts =>
  ({ hour: h, accepted: 0, dispatched: 0, delivered: 0, retried: 0, dead: 0, cancelled: 0, failed: 0, failures: failures(), ...over });
const hours = [
  hour(H8, { accepted: 10, dispatched: 12, delivered: 9, retried: 2, dead: 1, failed: 3, failures: failures({ '5xx': 2, timeout: 1 }) }),
  hour(H10, { accepted: 5, dispatched: 5, delivered: 4, dead: 1, cancelled: 1, failed: 1, failures: failures({ refused: 1 }) }),
];
const day = analyticsRange({}, NOW);

describe('summaryReport', () => {
  it('given hours, when summing, then sent is accepted events, failed counts attempts, successRate delivered of those that ended', () => {
    expect(summaryReport(day, hours, false)).toEqual({
      from: '2026-05-24T10:17:00.000Z', to: '2026-05-25T10:17:00.000Z', sent: 15, delivered: 13, failed: 4, deadLettered: 2, successRate: 13 / 15,
    });
  });
  it('given one endpoint, when summing, then sent is the deliveries it started', () => {
    expect(summaryReport(day, hours, true).sent).toBe(17);
  });
  it('given nothing ended, when summing, then zeros and no success rate', () => {
    expect(summaryReport(day, [], false)).toMatchObject({ sent: 0, delivered: 0, failed: 0, deadLettered: 0, successRate: null });
  });
});

describe('bucketed reports', () => {
  it('given hours, when reporting outcomes, then each of the 25 hourly buckets, zero-filled', () => {
    const r = outcomesReport(day, hours);
    expect(r.granularity).toBe('hour');
    expect(r.buckets).toHaveLength(25);
    expect(r.buckets.filter((b) => b.delivered + b.retried + b.dead + b.cancelled > 0)).toEqual([
      { start: '2026-05-25T08:00:00.000Z', delivered: 9, retried: 2, dead: 1, cancelled: 0 },
      { start: '2026-05-25T10:00:00.000Z', delivered: 4, retried: 0, dead: 1, cancelled: 1 },
    ]);
  });
  it('given hours, when reporting throughput, then events per second of the hour', () => {
    const b = throughputReport(day, hours, false).buckets.find((x) => x.start === '2026-05-25T08:00:00.000Z');
    expect(b).toEqual({ start: '2026-05-25T08:00:00.000Z', events: 10, eventsPerSec: 10 / 3600 });
  });
  it('given a month, when reporting throughput by day, then a day\'s events over the seconds of its hours in the range', () => {
    const month = analyticsRange({ from: '2026-04-25T10:17:00Z' }, NOW);
    const r = throughputReport(month, hours, false);
    expect(r.granularity).toBe('day');
    expect(r.buckets).toHaveLength(31);
    expect(r.buckets.at(-1)).toEqual({ start: '2026-05-25T00:00:00.000Z', events: 15, eventsPerSec: 15 / (11 * 3600) });
  });
  it('given failures, when reporting them, then totals by category, and per bucket, adding up to failed', () => {
    const r = failuresReport(day, hours);
    expect(r.totals).toEqual(failures({ '5xx': 2, timeout: 1, refused: 1 }));
    expect(r.buckets.find((b) => b.start === '2026-05-25T10:00:00.000Z')).toEqual({ start: '2026-05-25T10:00:00.000Z', ...failures({ refused: 1 }) });
  });
  it('given sketches of several endpoints, when reporting latency, then their merge per bucket, and no percentiles where none', () => {
    const r = latencyReport(day, [
      { hour: H8, endpoint: 'a', sketch: withDurations(null, [100, 100, 100]) },
      { hour: H8, endpoint: '', sketch: withDurations(null, [100]) },
      { hour: H10 - 25 * HOUR_MS, endpoint: 'a', sketch: withDurations(null, [5]) },
    ]);
    const b = r.buckets.find((x) => x.start === '2026-05-25T08:00:00.000Z')!;
    expect(b.count).toBe(4);
    expect(Math.abs(b.p95! - 100)).toBeLessThanOrEqual(1);
    expect(r.buckets.filter((x) => x.count > 0)).toHaveLength(1);
    expect(r.buckets[0]).toEqual({ start: '2026-05-24T10:00:00.000Z', count: 0, p50: null, p95: null, p99: null });
  });
});

describe('healthReport', () => {
  it('given endpoints with attempts, when reporting health, then rate of successful attempts, p95 from the range\'s sketches, latest times', () => {
    const r = healthReport(day, [
      { endpointId: 'a', url: 'https://a.example/', circuitState: 'closed', lastSuccessAt: H10 + 5, lastFailureAt: null },
      { endpointId: 'b', url: 'https://b.example/', circuitState: 'open', lastSuccessAt: null, lastFailureAt: H8 },
    ], [
      { endpoint: 'a', delivered: 3, failed: 1, sketches: [Buffer.concat([withDurations(null, [200, 200]), withDurations(null, [200])]), withDurations(null, [200])] },
      { endpoint: '', delivered: 1, failed: 0, sketches: [withDurations(null, [9])] },
    ]);
    expect(r.data[0]).toMatchObject({ endpointId: 'a', attempts: 4, deliveryRate: 0.75, circuitState: 'closed', lastSuccessAt: '2026-05-25T10:00:00.005Z', lastFailureAt: null });
    expect(Math.abs(r.data[0]!.p95LatencyMs! - 200) / 200).toBeLessThanOrEqual(0.01);
    expect(r.data[1]).toEqual({
      endpointId: 'b', url: 'https://b.example/', attempts: 0, deliveryRate: null, p95LatencyMs: null, circuitState: 'open',
      lastSuccessAt: null, lastFailureAt: '2026-05-25T08:00:00.000Z',
    });
  });
});
