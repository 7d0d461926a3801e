import type { PlanId } from '../../plans/domain/catalog.ts';
import type { Cycle } from './prices.ts';

/** The subscription aggregate's events (schemas/billing/*.avsc), one aggregate per account, keyed by it. */
export type Provider = 'none' | 'stripe';
export type ScheduledChange = { planId: PlanId; cycle: Cycle; effectiveAt: number };

/** `providerEventId`: the provider's webhook that told of it (retries of it are no new event); null for mittr's own decisions. */
type Base = { accountId: string; version: number; at: number; providerEventId: string | null };
type Plan = { planId: PlanId; cycle: Cycle; periodStart: number; periodEnd: number };
/** `customerId`/`subscriptionId`: the provider's ids (null for `none`). */
export type SubscriptionStarted = Base & Plan & { type: 'SubscriptionStarted'; provider: Provider; customerId: string | null; subscriptionId: string | null };
/** An immediate change (an upgrade, monthly→annual): the entitlements move at once. */
export type SubscriptionPlanChanged = Base & Plan & { type: 'SubscriptionPlanChanged' };
export type SubscriptionChangeScheduled = Base & ScheduledChange & { type: 'SubscriptionChangeScheduled' };
export type SubscriptionScheduledChangeCanceled = Base & { type: 'SubscriptionScheduledChangeCanceled' };
export type SubscriptionCancelScheduled = Base & { type: 'SubscriptionCancelScheduled' };
export type SubscriptionResumed = Base & { type: 'SubscriptionResumed' };
/** A new period, on the scheduled plan when one was queued. */
export type SubscriptionRenewed = Base & Plan & { type: 'SubscriptionRenewed' };
/** A cancellation took effect (or the provider deleted the subscription): the account is back on its own plan. */
export type SubscriptionEnded = Base & { type: 'SubscriptionEnded' };
/** The provider collected an invoice: the subscription is in good standing again. */
export type SubscriptionInvoicePaid = Base & { type: 'SubscriptionInvoicePaid'; invoiceId: string; amount: number; currency: string };
/** The provider could not collect an invoice: the workspace's admins are told, the provider retries. */
export type SubscriptionPaymentFailed = Base & {
  type: 'SubscriptionPaymentFailed'; invoiceId: string; amount: number; currency: string; attemptCount: number; nextAttemptAt: number | null;
};

export type SubscriptionEvent =
  | SubscriptionStarted | SubscriptionPlanChanged | SubscriptionChangeScheduled | SubscriptionScheduledChangeCanceled
  | SubscriptionCancelScheduled | SubscriptionResumed | SubscriptionRenewed | SubscriptionEnded
  | SubscriptionInvoicePaid | SubscriptionPaymentFailed;
export const SUBSCRIPTION_EVENT_TYPES = [
  'SubscriptionStarted', 'SubscriptionPlanChanged', 'SubscriptionChangeScheduled', 'SubscriptionScheduledChangeCanceled',
  'SubscriptionCancelScheduled', 'SubscriptionResumed', 'SubscriptionRenewed', 'SubscriptionEnded',
  'SubscriptionInvoicePaid', 'SubscriptionPaymentFailed',
] as const satisfies readonly SubscriptionEvent['type'][];
