import { describe, expect, it } from 'vitest';
import { DomainError } from '../../platform/domain/errors.ts';
import { PLANS } from './catalog.ts';
import { decideQuota, monthOf } from './quota.ts';

const outcome = (used: number, requested: number, limits = PLANS.free) => {
  try { decideQuota(limits, used, requested); return 'accepted'; } catch (err) {
    if (err instanceof DomainError) return err.code;
    throw err;
  }
};

describe('decideQuota', () => {
  it('given 9,999 of 10,000 used, when one more is sent, then it is accepted: the limit itself is allowed', () => {
    expect(outcome(9_999, 1)).toBe('accepted');
  });
  it('given 10,000 of 10,000 used, when one more is sent, then QUOTA_EXCEEDED', () => {
    expect(outcome(10_000, 1)).toBe('QUOTA_EXCEEDED');
  });
  it('given 9,500 used, when a batch of 1,000 is sent, then the whole batch is refused, none of it cut to fit', () => {
    expect(outcome(9_500, 1_000)).toBe('QUOTA_EXCEEDED');
    expect(outcome(9_000, 1_000)).toBe('accepted');
  });
  it('given a refusal, then it says how much is used of what', () => {
    try { decideQuota(PLANS.free, 9_990, 20); expect.unreachable(); } catch (err) {
      expect(err).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { limit: 10_000, used: 9_990 } });
      expect((err as Error).message).toMatch(/10 left/);
    }
  });
  it('given an unlimited plan, when any number is sent, then it is accepted', () => {
    expect(outcome(1e12, 1_000, PLANS['self-hosted'])).toBe('accepted');
  });
});

describe('monthOf', () => {
  it('given instants either side of a month boundary in UTC, then they fall in different months', () => {
    expect(monthOf(Date.UTC(2026, 0, 31, 23, 59, 59, 999))).toBe('2026-01');
    expect(monthOf(Date.UTC(2026, 1, 1))).toBe('2026-02');
    expect(monthOf(Date.UTC(2025, 11, 31, 23, 0))).toBe('2025-12');
  });
});
