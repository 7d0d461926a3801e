import { describe, expect, it } from 'vitest';
import { retryAfterMs } from './throttle.ts';

const W = 60_000;
describe('throttle rule (logins, signups)', () => {
  it('given fewer failures than the limit in the window, when trying, then no wait', () => {
    expect(retryAfterMs([1, 2], 3, W, 10)).toBe(0);
  });
  it('given the limit reached, when trying, then wait until the oldest counted failure leaves the window', () => {
    expect(retryAfterMs([1_000, 2_000, 3_000], 3, W, 5_000)).toBe(1_000 + W - 5_000);
  });
  it('given failures older than the window, when trying, then they do not count', () => {
    expect(retryAfterMs([0, 1, 2], 3, W, W + 10)).toBe(0);
  });
  it('given more failures than the limit, then the wait follows the last `limit` of them', () => {
    expect(retryAfterMs([1_000, 2_000, 3_000, 4_000], 3, W, 5_000)).toBe(2_000 + W - 5_000);
  });
});
