import { describe, expect, it } from 'vitest';
import { DomainError } from '../../platform/domain/errors.ts';
import { decide } from './decide.ts';
import { entitledPlan, evolve, REMEMBERED_PROVIDER_EVENTS, type SubscriptionState } from './evolve.ts';
import type { SubscriptionEvent } from './messages.ts';
import type { ProviderWebhook } from './provider-events.ts';

const at = (iso: string) => Date.parse(iso);
const T0 = at('2026-04-01T00:00:00Z');
const MAY = at('2026-05-01T00:00:00Z');
const fold = (events: SubscriptionEvent[], from?: SubscriptionState) => events.reduce<SubscriptionState | undefined>(evolve, from);
const hook = (h: ProviderWebhook) => ({ type: 'Webhook', hook: h }) as const;
const completed: ProviderWebhook = { type: 'checkout.completed', id: 'evt_1', at: T0, accountId: 'a', customerId: 'cus_1', subscriptionId: 'sub_1', planId: 'growth', cycle: 'monthly' };
const updated = (over: Partial<Extract<ProviderWebhook, { type: 'subscription.updated' }>>): ProviderWebhook => ({
  type: 'subscription.updated', id: `evt_u${Math.random()}`, at: at('2026-04-10T00:00:00Z'), customerId: 'cus_1', subscriptionId: 'sub_1',
  planId: 'growth', cycle: 'monthly', status: 'active', cancelAtPeriodEnd: false, periodStart: T0, periodEnd: MAY, ...over,
});
const given = (...hooks: ProviderWebhook[]) => hooks.reduce<SubscriptionState | undefined>((s, h) => fold(decide(s, hook(h), 0), s), undefined);
const code = (f: () => unknown) => { try { f(); return null; } catch (err) { return err instanceof DomainError ? err.code : 'other'; } };

describe('the subscription, told by its provider\'s webhooks', () => {
  it('given nothing, when a checkout completes, then a stripe subscription starts on its plan with the provider\'s ids', () => {
    expect(decide(undefined, hook(completed), 0)).toEqual([{ type: 'SubscriptionStarted', accountId: 'a', provider: 'stripe', customerId: 'cus_1',
      subscriptionId: 'sub_1', planId: 'growth', cycle: 'monthly', periodStart: T0, periodEnd: MAY, version: 1, at: T0, providerEventId: 'evt_1' }]);
  });
  it('given a completed checkout, when the same webhook comes again, then nothing', () => {
    expect(decide(given(completed), hook(completed), 0)).toEqual([]);
    expect(decide(given(completed), hook({ ...completed, id: 'evt_other' }), 0)).toEqual([]);
  });
  it('given a checkout of a price outside the catalog, then VALIDATION_ERROR', () => {
    expect(code(() => decide(undefined, hook({ ...completed, planId: null }), 0))).toBe('VALIDATION_ERROR');
  });
  it('given a subscription, when the provider moves it to a new period, then it renews on the price charged', () => {
    const s = given(completed);
    const events = decide(s, hook(updated({ periodStart: MAY, periodEnd: at('2026-06-01T00:00:00Z') })), 0);
    expect(events).toMatchObject([{ type: 'SubscriptionRenewed', planId: 'growth', periodStart: MAY, version: 2 }]);
  });
  it('given a subscription dated from its checkout, when the provider tells its own period seconds apart, then no renewal', () => {
    expect(decide(given(completed), hook(updated({ periodStart: T0 + 5_000, periodEnd: MAY + 5_000 })), 0)).toEqual([]);
  });
  it('given a scheduled downgrade set at the provider, when its price shows before renewal, then nothing; at renewal, the new plan', () => {
    const scale = given({ ...completed, planId: 'scale' });
    const scheduled = fold(decide(scale, { type: 'Change', accountId: 'a', provider: 'stripe', planId: 'growth', cycle: 'monthly' }, at('2026-04-05T00:00:00Z')), scale)!;
    expect(scheduled.scheduledChange).toMatchObject({ planId: 'growth' });
    expect(decide(scheduled, hook(updated({ planId: 'growth' })), 0)).toEqual([]);
    const renewed = fold(decide(scheduled, hook(updated({ planId: 'growth', periodStart: MAY, periodEnd: at('2026-06-01T00:00:00Z') })), 0), scheduled);
    expect(renewed).toMatchObject({ planId: 'growth', scheduledChange: null, periodStart: MAY });
  });
  it('given a subscription, when its price was changed in the provider\'s portal, then the plan changes at once', () => {
    expect(decide(given(completed), hook(updated({ planId: 'scale' })), 0)).toMatchObject([{ type: 'SubscriptionPlanChanged', planId: 'scale' }]);
  });
  it('given a subscription, when the provider says cancel at period end and later not, then cancel scheduled, then resumed', () => {
    const cancelled = given(completed, updated({ cancelAtPeriodEnd: true }));
    expect(cancelled).toMatchObject({ cancelAtPeriodEnd: true, planId: 'growth' });
    expect(decide(cancelled, hook(updated({ cancelAtPeriodEnd: true })), 0)).toEqual([]);
    expect(decide(cancelled, hook(updated({ cancelAtPeriodEnd: false })), 0)).toMatchObject([{ type: 'SubscriptionResumed' }]);
  });
  it('given a subscription, when the provider deletes it, then it ended; later webhooks of it change nothing', () => {
    const ended = given(completed, { type: 'subscription.deleted', id: 'evt_d', at: MAY, customerId: 'cus_1', subscriptionId: 'sub_1' });
    expect(ended).toMatchObject({ ended: true, planId: 'free' });
    expect(decide(ended, hook(updated({ planId: 'scale' })), 0)).toEqual([]);
  });
  it('given a subscription, when a payment fails, then past due; when an invoice is paid, then in good standing', () => {
    const failed = given(completed, { type: 'invoice.payment_failed', id: 'evt_f', at: MAY, customerId: 'cus_1', subscriptionId: 'sub_1', invoiceId: 'in_1',
      amountDue: 4_900, currency: 'usd', attemptCount: 1, nextAttemptAt: MAY + 86_400_000 });
    expect(failed).toMatchObject({ paymentStatus: 'past_due' });
    const paid = fold(decide(failed, hook({ type: 'invoice.paid', id: 'evt_p', at: MAY, customerId: 'cus_1', subscriptionId: 'sub_1', invoiceId: 'in_1',
      amountPaid: 4_900, currency: 'usd' }), 0), failed);
    expect(paid).toMatchObject({ paymentStatus: 'ok' });
  });
  it('given another subscription\'s webhook, or one billing does not act on, then nothing', () => {
    expect(decide(given(completed), hook(updated({ subscriptionId: 'sub_other', planId: 'scale' })), 0)).toEqual([]);
    expect(decide(given(completed), hook({ type: 'ignored', id: 'evt_i', at: MAY, providerType: 'charge.refunded' }), 0)).toEqual([]);
    expect(decide(undefined, hook(updated({})), 0)).toEqual([]);
  });
  it('remembers a bounded number of the provider\'s webhook ids', () => {
    const many = Array.from({ length: REMEMBERED_PROVIDER_EVENTS + 10 }, (_, i) => updated({ id: `evt_${i}`, cancelAtPeriodEnd: i % 2 === 0 }));
    const s = given(completed, ...many)!;
    expect(s.providerEvents).toHaveLength(REMEMBERED_PROVIDER_EVENTS);
    expect(s.providerEvents.at(-1)).toBe(`evt_${REMEMBERED_PROVIDER_EVENTS + 9}`);
  });
});

describe('the plan a subscription entitles to', () => {
  const s = given(completed)!;
  it('is the plan until the period ends; a cancelled one gives none after that, before its end is recorded', () => {
    expect(entitledPlan(s, T0 + 1)).toBe('growth');
    const cancelled = { ...s, cancelAtPeriodEnd: true };
    expect(entitledPlan(cancelled, MAY - 1)).toBe('growth');
    expect(entitledPlan(cancelled, MAY)).toBeNull();
    expect(entitledPlan(undefined, T0)).toBeNull();
    expect(entitledPlan({ ...s, ended: true }, T0)).toBeNull();
  });
  it('is the scheduled plan from its date on', () => {
    const scheduled = { ...s, scheduledChange: { planId: 'free' as const, cycle: 'monthly' as const, effectiveAt: MAY } };
    expect(entitledPlan(scheduled, MAY - 1)).toBe('growth');
    expect(entitledPlan(scheduled, MAY)).toBe('free');
  });
});
