import type { PlanLimits } from './catalog.ts';

/** One calendar month (UTC) of an account's usage, as GET /usage answers it. */
export type MonthUsage = {
  month: string;
  messages: number;
  deliveryAttempts: number;
  limit: { monthlyMessages: number | null };
};

/** The `n` calendar months (UTC) ending with the one `nowMs` is in, newest first, as `YYYY-MM`. */
export function recentMonths(nowMs: number, n: number): string[] {
  const now = new Date(nowMs);
  const months: string[] = [];
  for (let i = 0; i < n; i++) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1));
    months.push(d.toISOString().slice(0, 7));
  }
  return months;
}

/**
 * Each of `months` with what was counted in it, 0 where nothing was (a month with no row is a
 * month of no use, not a gap), under the plan's monthly limit. Pure.
 */
export function usageReport(
  months: readonly string[], counted: ReadonlyMap<string, { messages: number; deliveryAttempts: number }>,
  limits: Pick<PlanLimits, 'monthlyMessages'>,
): MonthUsage[] {
  return months.map((month) => {
    const c = counted.get(month);
    return { month, messages: c?.messages ?? 0, deliveryAttempts: c?.deliveryAttempts ?? 0, limit: { monthlyMessages: limits.monthlyMessages } };
  });
}
