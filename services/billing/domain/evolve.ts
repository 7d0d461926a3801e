import { assertNever } from '../../platform/domain/never.ts';
import type { PlanId } from '../../plans/domain/catalog.ts';
import type { Cycle } from './prices.ts';
import type { Provider, ScheduledChange, SubscriptionEvent } from './messages.ts';

export type SubscriptionState = {
  accountId: string; provider: Provider; planId: PlanId; cycle: Cycle; periodStart: number; periodEnd: number;
  cancelAtPeriodEnd: boolean; scheduledChange: ScheduledChange | null; ended: boolean; version: number; updatedAt: number;
};

/** Folds one event into the subscription (undefined before it starts). */
export function evolve(s: SubscriptionState | undefined, e: SubscriptionEvent): SubscriptionState | undefined {
  if (e.type === 'SubscriptionStarted') {
    return { accountId: e.accountId, provider: e.provider, planId: e.planId, cycle: e.cycle, periodStart: e.periodStart,
      periodEnd: e.periodEnd, cancelAtPeriodEnd: false, scheduledChange: null, ended: false, version: e.version, updatedAt: e.at };
  }
  if (!s) return s;
  const next = { ...s, version: e.version, updatedAt: e.at };
  switch (e.type) {
    case 'SubscriptionPlanChanged':
    case 'SubscriptionRenewed':
      return { ...next, planId: e.planId, cycle: e.cycle, periodStart: e.periodStart, periodEnd: e.periodEnd, scheduledChange: null };
    case 'SubscriptionChangeScheduled':
      return { ...next, scheduledChange: { planId: e.planId, cycle: e.cycle, effectiveAt: e.effectiveAt } };
    case 'SubscriptionScheduledChangeCanceled': return { ...next, scheduledChange: null };
    case 'SubscriptionCancelScheduled': return { ...next, cancelAtPeriodEnd: true };
    case 'SubscriptionResumed': return { ...next, cancelAtPeriodEnd: false };
    case 'SubscriptionEnded':
      return { ...next, planId: 'free', cycle: 'monthly', cancelAtPeriodEnd: false, scheduledChange: null, ended: true };
    default: return assertNever(e);
  }
}
