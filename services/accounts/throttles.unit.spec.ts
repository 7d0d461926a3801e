import { describe, expect, it } from 'vitest';
import { SignupThrottle } from './throttles.ts';

const HOUR = 3_600_000;
describe('SignupThrottle', () => {
  it('counts every signup per address, lets `perHour` through, and frees the address an hour after its first', () => {
    const t = new SignupThrottle(2);
    expect(t.take('a', 0)).toBe(0);
    expect(t.take('a', 1_000)).toBe(0);
    expect(t.take('a', 2_000)).toBe(HOUR - 2_000);
    expect(t.take('b', 2_000)).toBe(0); // another address is apart
    expect(t.take('a', HOUR + 1)).toBe(0);
  });
  it('refused tries do not count, so a waiting address is not kept out longer', () => {
    const t = new SignupThrottle(1);
    t.take('a', 0);
    for (let i = 1; i <= 5; i++) expect(t.take('a', i * 1_000)).toBe(HOUR - i * 1_000);
    expect(t.take('a', HOUR + 1)).toBe(0);
  });
  it('0 per hour is no limit', () => {
    const t = new SignupThrottle(0);
    for (let i = 0; i < 1_000; i++) expect(t.take('a', i)).toBe(0);
  });
});
