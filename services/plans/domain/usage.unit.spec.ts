import { describe, expect, it } from 'vitest';
import { PLANS } from './catalog.ts';
import { recentMonths, usageReport } from './usage.ts';

describe('recentMonths', () => {
  it('given a time in March, then March and the months before it, newest first', () => {
    expect(recentMonths(Date.UTC(2026, 2, 15, 12), 3)).toEqual(['2026-03', '2026-02', '2026-01']);
  });
  it('given a year boundary, then the months go on into the year before', () => {
    expect(recentMonths(Date.UTC(2026, 1, 1), 4)).toEqual(['2026-02', '2026-01', '2025-12', '2025-11']);
    expect(recentMonths(Date.UTC(2026, 0, 1), 24).at(-1)).toBe('2024-02');
  });
  it('given the last millisecond of a month in UTC, then that month, whatever the local zone', () => {
    expect(recentMonths(Date.UTC(2026, 0, 31, 23, 59, 59, 999), 1)).toEqual(['2026-01']);
  });
  it('given the 31st, then no month is skipped (February has no 31st)', () => {
    expect(recentMonths(Date.UTC(2026, 2, 31), 2)).toEqual(['2026-03', '2026-02']);
  });
});

describe('usageReport', () => {
  it('given counts for some months, then every month is there, the others at zero, with the plan\'s limit', () => {
    const counted = new Map([['2026-03', { messages: 7, deliveryAttempts: 9 }], ['2026-01', { messages: 0, deliveryAttempts: 2 }]]);
    expect(usageReport(['2026-03', '2026-02', '2026-01'], counted, PLANS.free)).toEqual([
      { month: '2026-03', messages: 7, deliveryAttempts: 9, limit: { monthlyMessages: 10_000 } },
      { month: '2026-02', messages: 0, deliveryAttempts: 0, limit: { monthlyMessages: 10_000 } },
      { month: '2026-01', messages: 0, deliveryAttempts: 2, limit: { monthlyMessages: 10_000 } },
    ]);
  });
  it('given an unlimited plan, then the limit is null', () => {
    expect(usageReport(['2026-03'], new Map(), PLANS['self-hosted'])[0]!.limit).toEqual({ monthlyMessages: null });
  });
});
