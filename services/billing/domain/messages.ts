import type { PlanId } from '../../plans/domain/catalog.ts';
import type { Cycle } from './prices.ts';

/** The subscription aggregate's events (schemas/billing/Subscription*.avsc), one per account. */
export type Provider = 'none' | 'stripe';
export type ScheduledChange = { planId: PlanId; cycle: Cycle; effectiveAt: number };

type Base = { accountId: string; version: number; at: number };
type Plan = { planId: PlanId; cycle: Cycle; periodStart: number; periodEnd: number };
export type SubscriptionStarted = Base & Plan & { type: 'SubscriptionStarted'; provider: Provider };
/** An immediate change (an upgrade, monthly→annual): the entitlements move at once. */
export type SubscriptionPlanChanged = Base & Plan & { type: 'SubscriptionPlanChanged' };
export type SubscriptionChangeScheduled = Base & ScheduledChange & { type: 'SubscriptionChangeScheduled' };
export type SubscriptionScheduledChangeCanceled = Base & { type: 'SubscriptionScheduledChangeCanceled' };
export type SubscriptionCancelScheduled = Base & { type: 'SubscriptionCancelScheduled' };
export type SubscriptionResumed = Base & { type: 'SubscriptionResumed' };
/** A new period, on the scheduled plan when one was queued. */
export type SubscriptionRenewed = Base & Plan & { type: 'SubscriptionRenewed' };
/** A cancellation took effect: the account is back on the free plan. */
export type SubscriptionEnded = Base & { type: 'SubscriptionEnded' };

export type SubscriptionEvent =
  | SubscriptionStarted | SubscriptionPlanChanged | SubscriptionChangeScheduled | SubscriptionScheduledChangeCanceled
  | SubscriptionCancelScheduled | SubscriptionResumed | SubscriptionRenewed | SubscriptionEnded;
export const SUBSCRIPTION_EVENT_TYPES = [
  'SubscriptionStarted', 'SubscriptionPlanChanged', 'SubscriptionChangeScheduled', 'SubscriptionScheduledChangeCanceled',
  'SubscriptionCancelScheduled', 'SubscriptionResumed', 'SubscriptionRenewed', 'SubscriptionEnded',
] as const;
