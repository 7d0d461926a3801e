import { assertNever } from '../../platform/domain/never.ts';
import type { PlanId } from '../../plans/domain/catalog.ts';
import type { Cycle } from './prices.ts';
import type { Provider, ScheduledChange, SubscriptionEvent } from './messages.ts';

/** How many of the provider's webhook ids a subscription remembers: its retries come within hours, never after dozens of others. */
export const REMEMBERED_PROVIDER_EVENTS = 64;

export type SubscriptionState = {
  accountId: string; provider: Provider; customerId: string | null; subscriptionId: string | null;
  planId: PlanId; cycle: Cycle; periodStart: number; periodEnd: number;
  cancelAtPeriodEnd: boolean; scheduledChange: ScheduledChange | null; ended: boolean;
  /** past_due from a failed payment until an invoice is paid. */
  paymentStatus: 'ok' | 'past_due';
  providerEvents: string[]; version: number; updatedAt: number;
};

/** Folds one event into the subscription (undefined before it starts). */
export function evolve(s: SubscriptionState | undefined, e: SubscriptionEvent): SubscriptionState | undefined {
  if (e.type === 'SubscriptionStarted') {
    return { accountId: e.accountId, provider: e.provider, customerId: e.customerId, subscriptionId: e.subscriptionId,
      planId: e.planId, cycle: e.cycle, periodStart: e.periodStart, periodEnd: e.periodEnd, cancelAtPeriodEnd: false,
      scheduledChange: null, ended: false, paymentStatus: 'ok', providerEvents: remember(s?.providerEvents ?? [], e.providerEventId),
      version: e.version, updatedAt: e.at };
  }
  if (!s) return s;
  const next = { ...s, version: e.version, updatedAt: e.at, providerEvents: remember(s.providerEvents, e.providerEventId) };
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
    case 'SubscriptionInvoicePaid': return { ...next, paymentStatus: 'ok' };
    case 'SubscriptionPaymentFailed': return { ...next, paymentStatus: 'past_due' };
    default: return assertNever(e);
  }
}

function remember(ids: string[], id: string | null): string[] {
  if (id === null || ids.includes(id)) return ids;
  return [...ids, id].slice(-REMEMBERED_PROVIDER_EVENTS);
}

/**
 * The plan the account is entitled to at `now`, whether or not the renewal has been recorded yet:
 * a cancelled subscription past its period's end gives nothing (the account's own plan applies),
 * a scheduled change past its date gives the scheduled plan. Null: no subscription decides.
 */
export function entitledPlan(s: SubscriptionState | undefined, now: number): PlanId | null {
  if (!s || s.ended) return null;
  if (now >= s.periodEnd && s.cancelAtPeriodEnd) return null;
  if (s.scheduledChange && now >= s.scheduledChange.effectiveAt) return s.scheduledChange.planId;
  return s.planId;
}
