import { describe, expect, it } from 'vitest';
import { prorate, timingOf } from './proration.ts';
import { daysBetween, periodEnd } from './period.ts';

const at = (iso: string) => Date.parse(iso);
const monthly = (planId: 'free' | 'growth' | 'scale', start: string) =>
  ({ planId, cycle: 'monthly' as const, periodStart: at(start), periodEnd: periodEnd(at(start), 'monthly') });
const annual = (planId: 'free' | 'growth' | 'scale', start: string) =>
  ({ planId, cycle: 'annual' as const, periodStart: at(start), periodEnd: periodEnd(at(start), 'annual') });

describe('billing periods', () => {
  it('a month ends on the same day next month, or the last day of a shorter month (leap February)', () => {
    expect(new Date(periodEnd(at('2026-03-15T00:00:00Z'), 'monthly')).toISOString()).toBe('2026-04-15T00:00:00.000Z');
    expect(new Date(periodEnd(at('2028-01-31T00:00:00Z'), 'monthly')).toISOString()).toBe('2028-02-29T00:00:00.000Z');
    expect(new Date(periodEnd(at('2027-01-31T00:00:00Z'), 'monthly')).toISOString()).toBe('2027-02-28T00:00:00.000Z');
    expect(new Date(periodEnd(at('2026-12-10T00:00:00Z'), 'monthly')).toISOString()).toBe('2027-01-10T00:00:00.000Z');
  });
  it('a year over a leap day has 366 days, another 365; Feb 29 renews on Feb 28', () => {
    expect(daysBetween(at('2028-01-01T00:00:00Z'), periodEnd(at('2028-01-01T00:00:00Z'), 'annual'))).toBe(366);
    expect(daysBetween(at('2026-01-01T00:00:00Z'), periodEnd(at('2026-01-01T00:00:00Z'), 'annual'))).toBe(365);
    expect(new Date(periodEnd(at('2028-02-29T00:00:00Z'), 'annual')).toISOString()).toBe('2029-02-28T00:00:00.000Z');
  });
});

describe('proration', () => {
  it('upgrade mid-cycle, same cycle: credit for the unused half, the new plan for the same half, the renewal date kept', () => {
    const p = prorate(monthly('growth', '2026-04-01T00:00:00Z'), { planId: 'scale', cycle: 'monthly' }, at('2026-04-16T00:00:00Z'));
    // April has 30 days; 15 left.
    expect(p).toEqual({ timing: 'now', effectiveAt: at('2026-04-16T00:00:00Z'), daysInPeriod: 30, daysLeft: 15,
      credit: 2_450, charge: 12_450, tax: 0, total: 10_000, amountDueToday: 10_000,
      nextRenewalAt: at('2026-05-01T00:00:00Z'), nextRenewalAmount: 24_900 });
  });
  it('mid-cycle on a started day: the day the customer is in counts as left', () => {
    const p = prorate(monthly('growth', '2026-04-01T00:00:00Z'), { planId: 'scale', cycle: 'monthly' }, at('2026-04-30T23:00:00Z'));
    expect(p).toMatchObject({ daysLeft: 1, credit: Math.round(4_900 / 30), charge: Math.round(24_900 / 30) });
  });
  it('upgrade with tax: tax is on the net charge, in basis points', () => {
    const p = prorate(monthly('growth', '2026-04-01T00:00:00Z'), { planId: 'scale', cycle: 'monthly' }, at('2026-04-16T00:00:00Z'), 2_000);
    expect(p).toMatchObject({ credit: 2_450, charge: 12_450, tax: 2_000, total: 12_000, amountDueToday: 12_000, nextRenewalAmount: 29_880 });
  });
  it('downgrade: nothing today; the cheaper plan starts at renewal', () => {
    const cur = monthly('scale', '2026-04-01T00:00:00Z');
    const p = prorate(cur, { planId: 'growth', cycle: 'monthly' }, at('2026-04-10T00:00:00Z'));
    expect(p).toMatchObject({ timing: 'renewal', effectiveAt: cur.periodEnd, credit: 0, charge: 0, total: 0, amountDueToday: 0,
      nextRenewalAt: cur.periodEnd, nextRenewalAmount: 4_900 });
  });
  it('cycle switch monthly→annual: now, credit for the unused month, a whole year charged, a new period from today', () => {
    const p = prorate(monthly('growth', '2026-04-01T00:00:00Z'), { planId: 'growth', cycle: 'annual' }, at('2026-04-11T00:00:00Z'));
    expect(p).toMatchObject({ timing: 'now', daysLeft: 20, credit: Math.round((4_900 * 20) / 30), charge: 49_000,
      total: 49_000 - Math.round((4_900 * 20) / 30), nextRenewalAt: at('2027-04-11T00:00:00Z'), nextRenewalAmount: 49_000 });
  });
  it('cycle switch annual→monthly: waits for the renewal, even to a bigger plan', () => {
    const cur = annual('growth', '2026-01-01T00:00:00Z');
    expect(timingOf(cur, { planId: 'scale', cycle: 'monthly' })).toBe('renewal');
    expect(prorate(cur, { planId: 'growth', cycle: 'monthly' }, at('2026-06-01T00:00:00Z'))).toMatchObject({
      timing: 'renewal', effectiveAt: at('2027-01-01T00:00:00Z'), amountDueToday: 0, nextRenewalAmount: 4_900 });
  });
  it('leap year: an annual plan credits by 366 days', () => {
    const cur = annual('growth', '2028-01-01T00:00:00Z');
    const p = prorate(cur, { planId: 'scale', cycle: 'annual' }, at('2028-03-01T00:00:00Z'));
    // Jan 31 + Feb 29 = 60 days used; 306 of 366 left.
    expect(p).toMatchObject({ daysInPeriod: 366, daysLeft: 306, credit: Math.round((49_000 * 306) / 366),
      charge: Math.round((249_000 * 306) / 366), nextRenewalAt: at('2029-01-01T00:00:00Z') });
  });
  it('zero-price: leaving free credits nothing and starts a paid period today', () => {
    const p = prorate(monthly('free', '2026-04-01T00:00:00Z'), { planId: 'growth', cycle: 'monthly' }, at('2026-04-20T00:00:00Z'));
    expect(p).toMatchObject({ timing: 'now', credit: 0, charge: 4_900, total: 4_900, nextRenewalAt: at('2026-05-20T00:00:00Z') });
  });
  it('zero-price: going to free is a downgrade at renewal that renews at 0', () => {
    const p = prorate(monthly('growth', '2026-04-01T00:00:00Z'), { planId: 'free', cycle: 'monthly' }, at('2026-04-20T00:00:00Z'));
    expect(p).toMatchObject({ timing: 'renewal', amountDueToday: 0, nextRenewalAmount: 0 });
  });
  it('monthly→annual on the first day with tax: the whole month credited, tax on the net', () => {
    const p = prorate(monthly('scale', '2026-04-01T00:00:00Z'), { planId: 'scale', cycle: 'annual' }, at('2026-04-01T00:00:00Z'), 1_000);
    expect(p).toMatchObject({ daysLeft: 30, credit: 24_900, charge: 249_000, tax: 22_410, total: 246_510 });
  });
});
