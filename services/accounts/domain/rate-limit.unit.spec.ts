import { describe, expect, it } from 'vitest';
import { admit, RATE_WINDOW_MS } from './rate-limit.ts';

describe('rate limit (sliding window)', () => {
  it('given room in the window, when a request comes, then allowed with what is left', () => {
    expect(admit({ previous: 0, current: 4 }, 0, 1_000, 10, 10)).toEqual({ allowed: true, remaining: 5, resetMs: RATE_WINDOW_MS - 1_000 });
  });
  it('given the limit reached, when a request comes, then refused with nothing left', () => {
    expect(admit({ previous: 0, current: 10 }, 0, 1_000, 10, 10)).toMatchObject({ allowed: false, remaining: 0 });
  });
  it('given a full previous window, when half of it is behind, then half of it still counts', () => {
    const half = RATE_WINDOW_MS / 2;
    expect(admit({ previous: 10, current: 4 }, 0, half, 10, 10)).toMatchObject({ allowed: true });
    expect(admit({ previous: 10, current: 5 }, 0, half, 10, 10)).toMatchObject({ allowed: false });
  });
  it('given two API processes, when each holds half the limit, then each refuses past its half and reports the key\'s remaining', () => {
    expect(admit({ previous: 0, current: 49 }, 0, 10, 100, 50)).toMatchObject({ allowed: true, remaining: 0 });
    expect(admit({ previous: 0, current: 50 }, 0, 10, 100, 50).allowed).toBe(false);
    expect(admit({ previous: 0, current: 0 }, 0, 10, 100, 50).remaining).toBe(98);
  });
});
