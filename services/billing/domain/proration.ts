import { PLAN_RANK, priceOf, type Cycle } from './prices.ts';
import { daysBetween, periodEnd } from './period.ts';
import type { PlanId } from '../../plans/domain/catalog.ts';

export type Period = { planId: PlanId; cycle: Cycle; periodStart: number; periodEnd: number };
export type Target = { planId: PlanId; cycle: Cycle };

/** How a change takes effect: `now` (an upgrade, monthly→annual) or `renewal` (a downgrade, annual→monthly). */
export type Timing = 'now' | 'renewal';

export type Proration = {
  timing: Timing;
  /** When the change takes effect: now, or the current period's end. */
  effectiveAt: number;
  daysInPeriod: number;
  daysLeft: number;
  /** Cents credited for the unused days of the current plan (0 when the change waits for renewal). */
  credit: number;
  /** Cents charged for the new plan today: the days left of this period, or a whole new period. */
  charge: number;
  tax: number;
  /** charge − credit + tax; negative is a balance kept for the next invoice. */
  total: number;
  amountDueToday: number;
  /** The next renewal: when the new plan's next full price is charged. */
  nextRenewalAt: number;
  nextRenewalAmount: number;
};

/**
 * The timing of a change. Annual→monthly waits for renewal whatever the plans (the year is paid);
 * a cheaper plan waits too (what was paid for is kept until the period ends); anything else is now.
 */
export function timingOf(current: Target, target: Target): Timing {
  if (current.cycle === 'annual' && target.cycle === 'monthly') return 'renewal';
  return PLAN_RANK[target.planId] < PLAN_RANK[current.planId] ? 'renewal' : 'now';
}

const proportion = (cents: number, part: number, whole: number): number => (whole === 0 ? 0 : Math.round((cents * part) / whole));
const taxOn = (cents: number, taxRateBps: number): number => (cents > 0 ? Math.round((cents * taxRateBps) / 10_000) : 0);

/**
 * The proration of changing `current` to `target` at `now`, Stripe's way: an immediate change
 * credits the unused days of the current plan and charges the new one for the days left of the
 * same period (same cycle, a paid plan: the renewal date is kept), or for a whole new period from
 * now (a cycle switch, or leaving a zero-price plan: there is no paid period to anchor to). Tax
 * (basis points) is on what is charged net of credit. Integers in cents; pure.
 */
export function prorate(current: Period, target: Target, now: number, taxRateBps = 0): Proration {
  const daysInPeriod = daysBetween(current.periodStart, current.periodEnd);
  const daysLeft = Math.min(daysInPeriod, daysBetween(now, current.periodEnd));
  const newPrice = priceOf(target.planId, target.cycle);
  if (timingOf(current, target) === 'renewal') {
    return { timing: 'renewal', effectiveAt: current.periodEnd, daysInPeriod, daysLeft, credit: 0, charge: 0, tax: 0, total: 0,
      amountDueToday: 0, nextRenewalAt: current.periodEnd, nextRenewalAmount: newPrice + taxOn(newPrice, taxRateBps) };
  }
  const oldPrice = priceOf(current.planId, current.cycle);
  const credit = proportion(oldPrice, daysLeft, daysInPeriod);
  const restart = current.cycle !== target.cycle || oldPrice === 0;
  const charge = restart ? newPrice : proportion(newPrice, daysLeft, daysInPeriod);
  const tax = taxOn(charge - credit, taxRateBps);
  const total = charge - credit + tax;
  return { timing: 'now', effectiveAt: now, daysInPeriod, daysLeft, credit, charge, tax, total, amountDueToday: Math.max(0, total),
    nextRenewalAt: restart ? periodEnd(now, target.cycle) : current.periodEnd, nextRenewalAmount: newPrice + taxOn(newPrice, taxRateBps) };
}
