import { DomainError } from '../../platform/domain/errors.ts';
import type { PlanId } from '../../plans/domain/catalog.ts';
import { isSellable, type Cycle } from './prices.ts';
import { periodEnd } from './period.ts';
import { prorate } from './proration.ts';
import type { Provider, SubscriptionEvent } from './messages.ts';
import type { SubscriptionState } from './evolve.ts';
import type { ProviderWebhook } from './provider-events.ts';
import { decideWebhook } from './webhook.ts';

export type SubscriptionCommand =
  | { type: 'Change'; accountId: string; provider: Provider; planId: PlanId; cycle: Cycle }
  | { type: 'Cancel' }
  | { type: 'Resume' }
  | { type: 'UndoScheduledChange' }
  /** The clock passed the period's end: renew, on the scheduled plan if any, or end a cancelled one. */
  | { type: 'Renew' }
  /** What the provider's webhook says happened (domain/webhook.ts). */
  | { type: 'Webhook'; hook: ProviderWebhook };

/**
 * Decides what happens to an account's subscription. Pure: the clock comes in. An upgrade or
 * monthly→annual applies now; a downgrade or annual→monthly is scheduled for renewal (the
 * proration's timing, one rule for both); cancel is at period end and resume undoes it before.
 * A change to what already is, or already is scheduled, is no event.
 */
export function decide(state: SubscriptionState | undefined, cmd: SubscriptionCommand, now: number): SubscriptionEvent[] {
  if (cmd.type === 'Change') return change(state, cmd, now);
  if (cmd.type === 'Webhook') return decideWebhook(state, cmd.hook);
  if (!state || state.ended) throw new DomainError('NOT_FOUND', 'no subscription');
  const base = { accountId: state.accountId, version: state.version + 1, at: now, providerEventId: null };
  switch (cmd.type) {
    case 'Cancel':
      if (state.planId === 'free') throw new DomainError('INVALID_STATE', 'the free plan has nothing to cancel');
      return state.cancelAtPeriodEnd ? [] : [{ type: 'SubscriptionCancelScheduled', ...base }];
    case 'Resume':
      if (!state.cancelAtPeriodEnd) throw new DomainError('INVALID_STATE', 'the subscription is not cancelled');
      return [{ type: 'SubscriptionResumed', ...base }];
    case 'UndoScheduledChange':
      if (!state.scheduledChange) throw new DomainError('NOT_FOUND', 'no scheduled change');
      return [{ type: 'SubscriptionScheduledChangeCanceled', ...base }];
    case 'Renew': return renew(state, base, now);
  }
}

function change(state: SubscriptionState | undefined, cmd: Extract<SubscriptionCommand, { type: 'Change' }>, now: number): SubscriptionEvent[] {
  if (!isSellable(cmd.planId)) throw new DomainError('VALIDATION_ERROR', `plan ${cmd.planId} is not sold self-serve`);
  if (cmd.planId === 'free') throw new DomainError('VALIDATION_ERROR', 'the free plan is no subscription: cancel the subscription (POST /billing/cancel) to return to it');
  const target = { planId: cmd.planId, cycle: cmd.cycle };
  if (!state || state.ended) {
    // A paid provider's subscription starts in its checkout (it takes the payment method), never here.
    if (cmd.provider !== 'none') throw new DomainError('INVALID_STATE', 'no subscription yet: start one with POST /billing/checkout');
    return [{ type: 'SubscriptionStarted', accountId: cmd.accountId, provider: cmd.provider, customerId: null, subscriptionId: null, ...target,
      periodStart: now, periodEnd: periodEnd(now, cmd.cycle), version: (state?.version ?? 0) + 1, at: now, providerEventId: null }];
  }
  if (state.cancelAtPeriodEnd) throw new DomainError('INVALID_STATE', 'the subscription is cancelled: resume it first');
  const base = { accountId: state.accountId, version: state.version + 1, at: now, providerEventId: null };
  const same = (p: { planId: PlanId; cycle: Cycle }) => p.planId === cmd.planId && p.cycle === cmd.cycle;
  if (same(state)) return state.scheduledChange ? [{ type: 'SubscriptionScheduledChangeCanceled', ...base }] : [];
  const p = prorate(state, target, now);
  if (p.timing === 'renewal') {
    return state.scheduledChange && same(state.scheduledChange) ? []
      : [{ type: 'SubscriptionChangeScheduled', ...base, ...target, effectiveAt: p.effectiveAt }];
  }
  const periodStart = p.nextRenewalAt === state.periodEnd ? state.periodStart : now;
  return [{ type: 'SubscriptionPlanChanged', ...base, ...target, periodStart, periodEnd: p.nextRenewalAt }];
}

function renew(state: SubscriptionState, base: { accountId: string; version: number; at: number; providerEventId: null }, now: number): SubscriptionEvent[] {
  // A provider's subscription renews when its webhook says so (webhook.ts), not by mittr's clock.
  if (now < state.periodEnd || state.ended || state.provider !== 'none') return [];
  if (state.cancelAtPeriodEnd) return [{ type: 'SubscriptionEnded', ...base }];
  const next = state.scheduledChange ?? state;
  return [{ type: 'SubscriptionRenewed', ...base, planId: next.planId, cycle: next.cycle, periodStart: state.periodEnd,
    periodEnd: periodEnd(state.periodEnd, next.cycle) }];
}
