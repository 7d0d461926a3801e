import { describe, expect, it } from 'vitest';
import { analyticsRange, bucketStarts, DAY_MS, foldBuckets, HOUR_MS, secondsCovered } from './range.ts';

const NOW = Date.parse('2026-05-25T10:17:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe('analyticsRange', () => {
  it('given no from or to, when resolving, then the 24 hours up to now, by hour', () => {
    const r = analyticsRange({}, NOW);
    expect(r).toMatchObject({ from: NOW - DAY_MS, to: NOW, granularity: 'hour' });
    expect(iso(r.firstHour)).toBe('2026-05-24T10:00:00.000Z');
    expect(iso(r.endHour)).toBe('2026-05-25T11:00:00.000Z');
  });
  it('given only from, when resolving, then up to now; given only to, then the 24 hours before it', () => {
    expect(analyticsRange({ from: '2026-05-18T00:00:00Z' }, NOW)).toMatchObject({ from: Date.parse('2026-05-18T00:00:00Z'), to: NOW, granularity: 'day' });
    expect(analyticsRange({ to: '2026-05-20T00:00:00Z' }, NOW)).toMatchObject({ from: Date.parse('2026-05-19T00:00:00Z'), to: Date.parse('2026-05-20T00:00:00Z') });
  });
  it('given a range of exactly 7 days, when resolving, then hourly; a millisecond more, then daily', () => {
    expect(analyticsRange({ from: '2026-05-01T00:00:00Z', to: '2026-05-08T00:00:00Z' }, NOW).granularity).toBe('hour');
    expect(analyticsRange({ from: '2026-05-01T00:00:00Z', to: '2026-05-08T00:00:00.001Z' }, NOW).granularity).toBe('day');
  });
  it('given another offset than Z, when resolving, then the same instant', () => {
    expect(analyticsRange({ from: '2026-05-01T02:00:00+02:00', to: '2026-05-01T01:00:00Z' }, NOW)).toMatchObject({ from: Date.parse('2026-05-01T00:00:00Z') });
  });
  it('given from after to, when resolving, then VALIDATION_ERROR', () => {
    expect(() => analyticsRange({ from: '2026-05-02T00:00:00Z', to: '2026-05-01T00:00:00Z' }, NOW)).toThrow(expect.objectContaining({ code: 'VALIDATION_ERROR' }));
    expect(() => analyticsRange({ from: '2026-05-26T00:00:00Z' }, NOW)).toThrow(expect.objectContaining({ code: 'VALIDATION_ERROR' }));
  });
  it('given 366 days, when resolving, then allowed; more, then VALIDATION_ERROR', () => {
    expect(analyticsRange({ from: '2025-05-25T00:00:00Z', to: '2026-05-26T00:00:00Z' }, NOW).granularity).toBe('day');
    expect(() => analyticsRange({ from: '2025-05-25T00:00:00Z', to: '2026-05-26T00:00:00.001Z' }, NOW)).toThrow(expect.objectContaining({ code: 'VALIDATION_ERROR' }));
  });
  it('given from equal to to, when resolving, then the hour holding it, or nothing on an hour boundary', () => {
    expect(bucketStarts(analyticsRange({ from: '2026-05-01T10:30:00Z', to: '2026-05-01T10:30:00Z' }, NOW)).map(iso)).toEqual(['2026-05-01T10:00:00.000Z']);
    expect(bucketStarts(analyticsRange({ from: '2026-05-01T10:00:00Z', to: '2026-05-01T10:00:00Z' }, NOW))).toEqual([]);
  });
});

describe('buckets', () => {
  it('given an hourly range off the hour, when listing buckets, then every hour it overlaps, the last ending past to', () => {
    const r = analyticsRange({ from: '2026-05-01T10:30:00Z', to: '2026-05-01T13:00:00Z' }, NOW);
    expect(bucketStarts(r).map(iso)).toEqual(['2026-05-01T10:00:00.000Z', '2026-05-01T11:00:00.000Z', '2026-05-01T12:00:00.000Z']);
  });
  it('given 24 hours from now, when listing buckets, then 25 (both ends are partial hours)', () => {
    expect(bucketStarts(analyticsRange({}, NOW))).toHaveLength(25);
  });
  it('given a daily range, when listing buckets, then UTC days from the one holding from', () => {
    const r = analyticsRange({ from: '2026-05-01T18:00:00Z', to: '2026-05-10T06:00:00Z' }, NOW);
    const starts = bucketStarts(r).map(iso);
    expect(starts).toHaveLength(10);
    expect(starts[0]).toBe('2026-05-01T00:00:00.000Z');
    expect(starts.at(-1)).toBe('2026-05-10T00:00:00.000Z');
  });
  it('given partly covered days, when dividing by time, then the seconds of the hours the range covers', () => {
    const r = analyticsRange({ from: '2026-05-01T18:30:00Z', to: '2026-05-10T05:10:00Z' }, NOW);
    const [first, second] = bucketStarts(r);
    expect(secondsCovered(r, first!)).toBe(6 * 3600);
    expect(secondsCovered(r, second!)).toBe(24 * 3600);
    expect(secondsCovered(r, bucketStarts(r).at(-1)!)).toBe(6 * 3600);
  });
  it('given hours, when folding into days, then each day sums its hours, empty days are zero, outside hours are dropped', () => {
    const r = analyticsRange({ from: '2026-05-01T00:00:00Z', to: '2026-05-09T00:00:00Z' }, NOW);
    const d1 = Date.parse('2026-05-01T00:00:00Z');
    const hours = [{ hour: d1, n: 1 }, { hour: d1 + 23 * HOUR_MS, n: 2 }, { hour: d1 + 3 * DAY_MS + 5 * HOUR_MS, n: 4 }, { hour: d1 + 8 * DAY_MS, n: 100 }, { hour: d1 - HOUR_MS, n: 100 }];
    const days = foldBuckets(r, hours, () => ({ n: 0 }), (acc, h) => { acc.n += h.n; });
    expect(days.map((d) => d.acc.n)).toEqual([3, 0, 0, 4, 0, 0, 0, 0]);
    expect(days.map((d) => d.start)).toEqual(bucketStarts(r));
  });
});
