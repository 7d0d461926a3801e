import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RateLimiter } from './rate-limiter.ts';
import { EngineSnapshots } from './rate-limit-view.ts';
import { snapshotRecords, type SnapshotRow } from './rate-limit-snapshots.ts';

describe('RateLimiter', () => {
  beforeEach(() => { vi.useFakeTimers({ now: 1_000_000 }); });
  afterEach(() => { vi.useRealTimers(); });

  it('paces to the limit, and reads what waits, for how long, and what was sent since the last reading', async () => {
    const l = new RateLimiter();
    const waits = Array.from({ length: 5 }, () => l.acquire('ep', 2));
    expect(waits[0]).toBeUndefined(); // the first goes at once
    expect(waits.slice(1).every((w) => w instanceof Promise)).toBe(true);
    vi.advanceTimersByTime(300);
    expect(l.readings()).toEqual([{ endpointId: 'ep', perSecond: 2, sent: 1, waiting: 4, longestWaitMs: 300, expectedWaitMs: 2_200 }]);
    await vi.advanceTimersByTimeAsync(1_000); // slots at 500 and 1000 ms came
    expect(l.readings()).toEqual([{ endpointId: 'ep', perSecond: 2, sent: 2, waiting: 2, longestWaitMs: 1_300, expectedWaitMs: 1_200 }]);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(l.readings()).toEqual([{ endpointId: 'ep', perSecond: 2, sent: 2, waiting: 0, longestWaitMs: 0, expectedWaitMs: 0 }]);
    // Idle since the last reading: forgotten.
    expect(l.readings()).toEqual([]);
  });

  it('counts an endpoint without a limit and never holds it', () => {
    const l = new RateLimiter();
    for (let i = 0; i < 3; i++) expect(l.acquire('free', 0)).toBeUndefined();
    expect(l.readings()).toEqual([{ endpointId: 'free', perSecond: 0, sent: 3, waiting: 0, longestWaitMs: 0, expectedWaitMs: 0 }]);
  });
});

describe('EngineSnapshots', () => {
  const row = (id: string, rate: number, waiting: number, longest: number, expected: number): SnapshotRow => [id, 1, rate, waiting, longest, expected];

  it('adds the engines\' rates and waiting deliveries, keeps the longest waits, and forgets an engine that stopped or went silent', () => {
    const s = new EngineSnapshots();
    for (const r of snapshotRecords('a', 10, [row('ep', 1, 3, 900, 3_000)])) s.add(r, 10);
    for (const r of snapshotRecords('b', 10, [row('ep', 0.9, 5, 2_000, 5_000), row('other', 4, 0, 0, 0)])) s.add(r, 10);
    expect(s.merged(20).get('ep')).toEqual({ sendRate: 1.9, waiting: 8, longestWaitMs: 2_000, expectedWaitMs: 5_000, engines: 2 });
    // An older snapshot of a than the one known is ignored; a newer one replaces it.
    for (const r of snapshotRecords('a', 5, [row('ep', 9, 9, 9, 9)])) s.add(r, 20);
    for (const r of snapshotRecords('a', 1_010, [row('ep', 1, 1, 100, 500)])) s.add(r, 1_010);
    expect(s.merged(1_020).get('ep')).toMatchObject({ waiting: 6, engines: 2 });
    s.add({ engine: 'b', at: 1_020, part: 0, parts: 1, stopped: true, rows: [] }, 1_020);
    expect(s.merged(1_030).get('ep')).toMatchObject({ waiting: 1, engines: 1 });
    expect(s.merged(1_030).has('other')).toBe(false);
    expect(s.merged(10_000).size).toBe(0);
  });

  it('joins a snapshot sent in several records', () => {
    const rows = Array.from({ length: 2_500 }, (_, i) => row(`ep${i}`, 1, 1, 0, 0));
    const records = snapshotRecords('a', 10, rows);
    expect(records.map((r) => [r.part, r.parts, r.rows.length])).toEqual([[0, 3, 1_000], [1, 3, 1_000], [2, 3, 500]]);
    const s = new EngineSnapshots();
    for (const r of records) s.add(r, 10);
    expect(s.merged(10).size).toBe(2_500);
  });
});
