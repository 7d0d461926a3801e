import { describe, expect, it } from 'vitest';
import { PerKeyLimiter } from './limiter.ts';
import { mask } from './view.ts';

const WINDOW = 1_700_000_040_000; // a minute window's start
const T = WINDOW + 40_000;

describe('the receiver\'s per-URL limiter', () => {
  it('given a limit, when a key reaches it, then the next waits for the window; another key is not held up', () => {
    const limiter = new PerKeyLimiter(3);
    expect([1, 2, 3].map(() => limiter.take('a', T))).toEqual([null, null, null]);
    const wait = limiter.take('a', T);
    expect(wait).toBe(20);
    expect(limiter.take('b', T)).toBeNull();
  });
  it('given a full previous minute, when the next begins, then its weight slides off as the minute goes', () => {
    const limiter = new PerKeyLimiter(10);
    for (let i = 0; i < 10; i++) limiter.take('a', T);
    expect(limiter.take('a', WINDOW + 60_001)).not.toBeNull(); // 1 ms in: the previous minute still counts almost fully
    expect(limiter.take('a', WINDOW + 115_000)).toBeNull(); // 55 s in: a twelfth of it counts
  });
});

describe('a secret as the API shows it', () => {
  it('given a secret, when shown, then never in full: its last 4 characters at most', () => {
    expect(mask('whsec_abcdefgh1234')).toBe('****1234');
    expect(mask('short')).toBe('****');
  });
});
