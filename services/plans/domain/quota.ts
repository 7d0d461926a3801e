import { DomainError } from '../../platform/domain/errors.ts';
import type { PlanLimits } from './catalog.ts';

/** The calendar month (UTC) a message counts in, as `YYYY-MM`: the month of its acceptance. */
export function monthOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}

/**
 * Whether `requested` more messages fit in the plan's month, given `used` so far: they are all
 * accepted or none is (a batch is not cut at the limit). Pure; throws QUOTA_EXCEEDED (402).
 */
export function decideQuota(limits: Pick<PlanLimits, 'monthlyMessages'>, used: number, requested: number): void {
  const limit = limits.monthlyMessages;
  if (limit === null || used + requested <= limit) return;
  const left = Math.max(0, limit - used);
  throw new DomainError('QUOTA_EXCEEDED', `monthly message quota exceeded: ${used} of ${limit} used this month, ${requested} more requested`
    + (left > 0 ? ` (${left} left)` : ''), { limit, used });
}
