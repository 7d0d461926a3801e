import type { Cycle } from './prices.ts';

const DAY = 86_400_000;

/**
 * The end of a billing period that starts at `start`: one calendar month or year later (UTC), on
 * the same day of the month, or the month's last day when it has none (Jan 31 → Feb 28, or Feb 29
 * in a leap year), as Stripe anchors its periods.
 */
export function periodEnd(start: number, cycle: Cycle): number {
  const d = new Date(start);
  const months = cycle === 'monthly' ? 1 : 12;
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return Date.UTC(y, m, Math.min(d.getUTCDate(), lastDay), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
}

/** Whole days from `from` to `to`, a started day counting as one (a customer pays for the day they are in). */
export const daysBetween = (from: number, to: number): number => Math.max(0, Math.ceil((to - from) / DAY));
