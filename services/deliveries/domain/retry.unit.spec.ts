import { describe, expect, it } from 'vitest';
import { backoffMs, classifyStatus, DEFAULT_RETRY, parseRetryAfter, RETRY_AFTER_MAX_MS } from './retry.ts';
import { releaseAt, tierFor } from './tiers.ts';

describe('retry schedule', () => {
  const noJitter = { ...DEFAULT_RETRY, jitter: 0 };
  it('grows exponentially from the initial backoff and stops at the cap', () => {
    expect([2, 3, 4, 5].map((n) => backoffMs(noJitter, n, 0.5))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffMs(noJitter, 40, 0.5)).toBe(86_400_000);
  });
  it('spreads by the jitter fraction around the base', () => {
    expect(backoffMs(DEFAULT_RETRY, 2, 0)).toBe(800);
    expect(backoffMs(DEFAULT_RETRY, 2, 0.999_999)).toBe(1200);
  });
  it('honours Retry-After, clamped', () => {
    expect(backoffMs(DEFAULT_RETRY, 2, 0.5, 7_000)).toBe(7_000);
    expect(backoffMs(DEFAULT_RETRY, 2, 0.5, 10 * RETRY_AFTER_MAX_MS)).toBe(RETRY_AFTER_MAX_MS);
    expect(parseRetryAfter('5', 0)).toBe(5_000);
    expect(parseRetryAfter(new Date(60_000).toUTCString(), 0)).toBe(60_000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
  });
  it('classifies statuses', () => {
    expect([200, 204, 429, 503, 410, 500, 404].map(classifyStatus))
      .toEqual(['success', 'success', 'rate-limited', 'rate-limited', 'permanent', 'retryable', 'retryable']);
  });
});

describe('delay tiers', () => {
  const tiers = [1_000, 5_000, 30_000];
  it('picks the largest tier not longer than the remaining delay', () => {
    expect(tierFor(7_000, tiers)).toBe(5_000);
    expect(tierFor(60_000, tiers)).toBe(30_000);
    expect(tierFor(300, tiers)).toBe(1_000);
  });
  it('releases at the tier delay, or at the due time when that is sooner', () => {
    expect(releaseAt(100, 5_000, 9_000)).toBe(5_100);
    expect(releaseAt(100, 1_000, 400)).toBe(400);
  });
});
