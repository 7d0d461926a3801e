import { describe, expect, it } from 'vitest';
import { PLANS } from './catalog.ts';
import { capEndpointRate } from './endpoint-rate.ts';

describe('capEndpointRate', () => {
  it('given the free plan (10/s) and 5/s asked, then 5/s is kept, with no notice', () => {
    expect(capEndpointRate(PLANS.free, 'free', 5)).toEqual({ rate: 5, notice: null });
    expect(capEndpointRate(PLANS.free, 'free', 10)).toEqual({ rate: 10, notice: null });
  });
  it('given the free plan and 500/s asked, then 10/s is kept and the notice says so', () => {
    expect(capEndpointRate(PLANS.free, 'free', 500)).toEqual({ rate: 10, notice: {
      code: 'PLAN_LIMIT_APPLIED', field: 'rateLimitPerSec', requested: 500, applied: 10,
      message: 'rateLimitPerSec 500 is above the free plan\'s 10/s: set to 10',
    } });
  });
  it('given the free plan and 0 (unlimited) asked, then the cap is kept: unlimited is above any cap', () => {
    const { rate, notice } = capEndpointRate(PLANS.free, 'free', 0);
    expect(rate).toBe(10);
    expect(notice).toMatchObject({ requested: 0, applied: 10, message: expect.stringMatching(/0 \(unlimited\)/) });
  });
  it('given an uncapped plan, then any rate, 0 included, is kept as asked', () => {
    for (const r of [0, 1, 100_000]) expect(capEndpointRate(PLANS['self-hosted'], 'self-hosted', r)).toEqual({ rate: r, notice: null });
  });
});
