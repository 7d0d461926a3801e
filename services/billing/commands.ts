import { DomainError } from '../platform/domain/errors.ts';
import { appendReserved } from '../platform/http/append.ts';
import type { ApiContext } from '../platform/http/context.ts';
import type { PlanId } from '../plans/domain/catalog.ts';
import { decide, type SubscriptionCommand } from './domain/decide.ts';
import type { SubscriptionState } from './domain/evolve.ts';
import type { Provider, SubscriptionEvent, SubscriptionPaymentFailed } from './domain/messages.ts';
import { periodEnd } from './domain/period.ts';
import { isSellable, type Cycle } from './domain/prices.ts';
import { prorate, type Proration } from './domain/proration.ts';
import type { BillingProvider, ProviderPreview, ProviderWebhook } from './provider.ts';
import { BillingReservations } from './reservations.ts';

export type Target = { planId: PlanId; cycle: Cycle };
type Warn = { warn(obj: object, msg: string): void };
export type Preview = Proration & Target & { currency: 'usd'; provider: ProviderPreview | null };

/** What the provider failed at, as mittr's error: the request changed nothing in mittr. */
async function viaProvider<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof DomainError) throw err;
    throw new DomainError('PROVIDER_ERROR', `the payment provider failed to ${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * The subscription's commands: load (this process's store) → decide (pure) → tell the provider
 * (a paid subscription's price or cancel flag) → reserve the versions → append → apply. The
 * provider is told first: when it refuses, nothing is recorded; when the append fails after, the
 * provider's own webhook of the change brings it in (webhook.ts reads a price changed at the
 * provider as a change).
 */
export function billingCommands(ctx: ApiContext, provider: BillingProvider | null, log: Warn) {
  const providerName: Provider = provider?.name ?? 'none';
  const state = () => ctx.store.state.billing;
  const reservations = new BillingReservations(ctx.db);
  const live = (accountId: string) => { const s = state().get(accountId); return s && !s.ended ? s : undefined; };
  /** The provider, when the subscription is one of its own. */
  const providerOf = (s: SubscriptionState | undefined) => (provider && s?.provider === provider.name && s.subscriptionId !== null ? provider : null);

  async function append(events: SubscriptionEvent[]): Promise<void> {
    if (events.length === 0) return;
    const accountId = events[0]!.accountId;
    const versions = events.map((e) => e.version);
    await reservations.reserve(accountId, versions);
    await appendReserved(ctx, {
      records: events.map((event) => ({ topic: ctx.topics.billing, key: accountId, event })),
      readModel: 'audit', ids: [accountId], release: () => reservations.free(accountId, versions),
    });
    events.forEach((e) => ctx.store.apply(e));
  }

  async function run(accountId: string, cmd: SubscriptionCommand, tellProvider?: (s: SubscriptionState, events: SubscriptionEvent[]) => Promise<void>) {
    const current = state().get(accountId);
    const events = decide(current, cmd, Date.now());
    if (events.length > 0 && current && tellProvider) await tellProvider(current, events);
    await append(events);
    return state().get(accountId);
  }

  /** Applies a plan change: now for an upgrade, at renewal for a downgrade or annual→monthly (the provider charges accordingly). */
  const change = (accountId: string, target: Target) =>
    run(accountId, { type: 'Change', accountId, provider: providerName, ...target }, async (s, events) => {
      const p = providerOf(s);
      if (!p) return;
      const first = events[0]!;
      // A scheduled change is set at the provider now without proration: it charges the new price from the renewal on.
      const to = first.type === 'SubscriptionScheduledChangeCanceled' ? { planId: s.planId, cycle: s.cycle } : target;
      await viaProvider('change the plan', () => p.changePlan({ subscriptionId: s.subscriptionId!, ...to, prorate: first.type === 'SubscriptionPlanChanged' }));
    });

  const cancel = (accountId: string) => run(accountId, { type: 'Cancel' }, async (s) => {
    const p = providerOf(s);
    if (p) await viaProvider('cancel the subscription', () => p.setCancelAtPeriodEnd(s.subscriptionId!, true));
  });
  const resume = (accountId: string) => run(accountId, { type: 'Resume' }, async (s) => {
    const p = providerOf(s);
    if (p) await viaProvider('resume the subscription', () => p.setCancelAtPeriodEnd(s.subscriptionId!, false));
  });
  const undoScheduledChange = (accountId: string) => run(accountId, { type: 'UndoScheduledChange' }, async (s) => {
    const p = providerOf(s);
    if (p) await viaProvider('undo the scheduled change', () => p.changePlan({ subscriptionId: s.subscriptionId!, planId: s.planId, cycle: s.cycle, prorate: false }));
  });

  /** What changing to `target` now costs: mittr's own proration, and the provider's preview beside it when it has one. */
  async function preview(accountId: string, target: Target): Promise<Preview> {
    if (!isSellable(target.planId) || target.planId === 'free') throw new DomainError('VALIDATION_ERROR', `plan ${target.planId} cannot be subscribed to`);
    const now = Date.now();
    const s = live(accountId);
    // No subscription yet: what starting one costs (a whole first period).
    const current = s ?? { planId: 'free' as const, cycle: target.cycle, periodStart: now, periodEnd: periodEnd(now, target.cycle) };
    const p = prorate(current, target, now, ctx.config.billing.taxRateBps);
    const paid = providerOf(s);
    const fromProvider = paid && p.timing === 'now'
      ? await viaProvider('preview the change', () => paid.preview({ customerId: s!.customerId!, subscriptionId: s!.subscriptionId!, ...target, at: now }))
      : null;
    return { ...p, ...target, currency: 'usd', provider: fromProvider };
  }

  /** A hosted checkout for a workspace with no live subscription; its webhook starts the subscription. */
  async function checkout(accountId: string, email: string | null, target: Target) {
    if (!provider) throw notConfigured('checkout');
    if (!isSellable(target.planId) || target.planId === 'free') throw new DomainError('VALIDATION_ERROR', `plan ${target.planId} cannot be bought`);
    const s = live(accountId);
    if (s) throw new DomainError('INVALID_STATE', 'the workspace has a subscription: change it with POST /billing/update (preview it with /billing/preview-update)');
    const back = `${ctx.config.publicUrl}/ui/billing`;
    return viaProvider('open a checkout', () => provider.checkout({ accountId, email, customerId: state().get(accountId)?.customerId ?? null, ...target,
      successUrl: `${back}?checkout=success`, cancelUrl: `${back}?checkout=canceled` }));
  }

  async function portal(accountId: string, returnUrl: string | undefined) {
    if (!provider) throw notConfigured('customer portal');
    const customerId = state().get(accountId)?.customerId;
    if (!customerId) throw new DomainError('INVALID_STATE', 'the workspace is no customer of the payment provider yet: subscribe with POST /billing/checkout first');
    return viaProvider('open its portal', () => provider.portal({ customerId, returnUrl: returnUrl ?? `${ctx.config.publicUrl}/ui/billing` }));
  }

  async function invoices(accountId: string, limit: number) {
    const customerId = state().get(accountId)?.customerId;
    if (!provider || !customerId) return [];
    return viaProvider('list the invoices', () => provider.invoices(customerId, limit));
  }

  /**
   * A provider's webhook, its signature already verified: recorded as the subscription's events,
   * once per webhook id. One about a workspace mittr does not know is acknowledged and dropped
   * (another deployment's customer, or a deleted workspace). A failed payment is mailed to the
   * workspace's admins.
   */
  async function webhook(hook: ProviderWebhook): Promise<{ accountId: string | null; recorded: number }> {
    if (hook.type === 'ignored') return { accountId: null, recorded: 0 };
    const accountId = hook.type === 'checkout.completed'
      ? (ctx.store.state.accounts.get(hook.accountId) ? hook.accountId : undefined)
      : state().accountOfCustomer(hook.customerId);
    if (accountId === undefined) return { accountId: null, recorded: 0 };
    const events = decide(state().get(accountId), { type: 'Webhook', hook }, Date.now());
    await append(events);
    const failed = events.find((e): e is SubscriptionPaymentFailed => e.type === 'SubscriptionPaymentFailed');
    if (failed) await notifyPaymentFailed(failed);
    return { accountId, recorded: events.length };
  }

  /** Mails the workspace's admins; a relay that is away loses the mail, not the recorded event (the provider mails its own dunning too). */
  async function notifyPaymentFailed(e: SubscriptionPaymentFailed): Promise<void> {
    const people = ctx.store.state.accounts.people;
    const admins = people.membersOf(e.accountId).filter((m) => m.role === 'admin').flatMap((m) => people.user(m.userId)?.email ?? []);
    const amount = `${(e.amount / 100).toFixed(2)} ${e.currency.toUpperCase()}`;
    const next = e.nextAttemptAt === null ? 'It will not be retried: update the payment method to keep the plan.' : `It will be retried on ${new Date(e.nextAttemptAt).toISOString().slice(0, 10)}.`;
    const link = `${ctx.config.publicUrl}/ui/billing`;
    for (const to of admins) {
      await ctx.mailer.send({ to, subject: 'mittr: a payment failed', links: [link],
        text: `The payment of ${amount} for your mittr subscription failed (invoice ${e.invoiceId}, attempt ${e.attemptCount}). ${next}\n\nUpdate the payment method: ${link}\n` })
        .catch((err: unknown) => log.warn({ err, accountId: e.accountId }, 'billing: the payment-failed mail was not sent'));
    }
  }

  /** Renews (or ends) every subscription of mittr's own clock whose period has ended; another process doing it too is no harm. */
  async function renewDue(now = Date.now()): Promise<number> {
    let renewed = 0;
    for (const s of state().due(now)) {
      try {
        await append(decide(s, { type: 'Renew' }, now));
        renewed += 1;
      } catch (err) {
        if (!(err instanceof DomainError && err.code === 'CONFLICT')) log.warn({ err, accountId: s.accountId }, 'billing: renewal failed, retried on the next sweep');
      }
    }
    return renewed;
  }

  return { providerName, live, change, cancel, resume, undoScheduledChange, preview, checkout, portal, invoices, webhook, renewDue };
}

const notConfigured = (what: string) => new DomainError('BILLING_NOT_CONFIGURED',
  `this deployment has no payment provider (MITTR_BILLING_PROVIDER=none), so no ${what}: an admin assigns the plan with POST /billing/update`);
