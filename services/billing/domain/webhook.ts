import { DomainError } from '../../platform/domain/errors.ts';
import { periodEnd } from './period.ts';
import type { SubscriptionState } from './evolve.ts';
import type { SubscriptionEvent } from './messages.ts';
import type { ProviderWebhook } from './provider-events.ts';

type Hook<T extends ProviderWebhook['type']> = Extract<ProviderWebhook, { type: T }>;

/**
 * What a provider's webhook changes in the subscription it concerns (`state`: the one the
 * webhook's account or customer has, if any). Pure. The provider is the authority on money and
 * periods; mittr is on what is scheduled: a webhook that only repeats what mittr decided (a
 * cancel, or the price of a scheduled downgrade that mittr set at the provider already) is no
 * event. A retried webhook (its id remembered) is no event either.
 */
export function decideWebhook(state: SubscriptionState | undefined, hook: ProviderWebhook): SubscriptionEvent[] {
  if (hook.type === 'ignored' || (state && state.providerEvents.includes(hook.id))) return [];
  if (hook.type === 'checkout.completed') return checkoutCompleted(state, hook);
  // Anything else is about a subscription mittr knows: one it does not (another system's, or
  // one whose checkout has not completed yet) is no business of this account's.
  if (!state || state.ended || (hook.subscriptionId !== null && state.subscriptionId !== hook.subscriptionId)) return [];
  const base = { accountId: state.accountId, version: state.version + 1, at: hook.at, providerEventId: hook.id };
  switch (hook.type) {
    case 'subscription.updated': return subscriptionUpdated(state, hook, base);
    case 'subscription.deleted': return [{ type: 'SubscriptionEnded', ...base }];
    case 'invoice.paid':
      return [{ type: 'SubscriptionInvoicePaid', ...base, invoiceId: hook.invoiceId, amount: hook.amountPaid, currency: hook.currency }];
    case 'invoice.payment_failed':
      return [{ type: 'SubscriptionPaymentFailed', ...base, invoiceId: hook.invoiceId, amount: hook.amountDue, currency: hook.currency,
        attemptCount: hook.attemptCount, nextAttemptAt: hook.nextAttemptAt }];
  }
}

function checkoutCompleted(state: SubscriptionState | undefined, hook: Hook<'checkout.completed'>): SubscriptionEvent[] {
  if (state && !state.ended && state.subscriptionId === hook.subscriptionId) return [];
  if (hook.planId === null || hook.cycle === null) throw new DomainError('VALIDATION_ERROR', 'the checkout\'s price is none of the plan catalog\'s');
  return [{ type: 'SubscriptionStarted', accountId: hook.accountId, provider: 'stripe', customerId: hook.customerId, subscriptionId: hook.subscriptionId,
    planId: hook.planId, cycle: hook.cycle, periodStart: hook.at, periodEnd: periodEnd(hook.at, hook.cycle),
    version: (state?.version ?? 0) + 1, at: hook.at, providerEventId: hook.id }];
}

type Base = { accountId: string; version: number; at: number; providerEventId: string };

/**
 * A period starting this close to the end of the one mittr knows is its renewal. mittr dated
 * the first period from the checkout's webhook, seconds after the provider started the
 * subscription; a period is 28 days at least, so a day tells a renewal from that drift.
 */
const RENEWAL_SLACK_MS = 86_400_000;

/**
 * A new period is a renewal (on the price the provider charges, which is the scheduled plan's
 * when one was due); a price that is neither the plan nor the scheduled one was changed at the
 * provider (its portal): an immediate change; and the cancel flag follows the provider's.
 */
function subscriptionUpdated(state: SubscriptionState, hook: Hook<'subscription.updated'>, base: Base): SubscriptionEvent[] {
  const planId = hook.planId ?? state.planId;
  const cycle = hook.cycle ?? state.cycle;
  const start = hook.periodStart ?? state.periodStart;
  const end = hook.periodEnd ?? state.periodEnd;
  const events: SubscriptionEvent[] = [];
  const next = () => ({ ...base, version: base.version + events.length });
  if (start >= state.periodEnd - RENEWAL_SLACK_MS) {
    events.push({ type: 'SubscriptionRenewed', ...next(), planId, cycle, periodStart: start, periodEnd: end });
  } else {
    const current = planId === state.planId && cycle === state.cycle;
    const scheduled = state.scheduledChange !== null && planId === state.scheduledChange.planId && cycle === state.scheduledChange.cycle;
    if (!current && !scheduled) events.push({ type: 'SubscriptionPlanChanged', ...next(), planId, cycle, periodStart: start, periodEnd: end });
  }
  if (hook.cancelAtPeriodEnd !== state.cancelAtPeriodEnd) {
    events.push(hook.cancelAtPeriodEnd ? { type: 'SubscriptionCancelScheduled', ...next() } : { type: 'SubscriptionResumed', ...next() });
  }
  return events;
}
