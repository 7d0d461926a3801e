import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApiContext } from '../platform/http/context.ts';
import { contract, type Operation } from '../platform/http/contract.ts';
import type { Credential } from '../platform/http/principal.ts';
import { planOf } from '../plans/account-plan.ts';
import { billingCommands, type Target } from './commands.ts';
import {
  CheckoutResponse, InvoicesQuery, Overview, Plans, PortalBody, PortalResponse, PreviewResponse, Subscription, TargetBody, Invoices,
} from './contract.ts';
import { providerFor } from './providers/index.ts';
import { invoiceView, planCatalog, previewView, subscriptionView } from './views.ts';

// Money and the plan are the workspace's admins' business, reads included (invoices name amounts).
const reads: Operation['access'] = { scope: 'billing:read', role: 'admin' };
const writes: Operation['access'] = { scope: 'billing:write', role: 'admin' };
const op = (summary: string, access: Operation['access'], errors?: number[], description?: string): Operation => ({ tag: 'Billing', summary, access, errors, description });

/** How often an API process renews the subscriptions of mittr's own clock (provider none) whose period ended. */
const RENEW_EVERY_MS = 60_000;

const targetOf = (body: { planId: 'growth' | 'scale'; cycle?: 'monthly' | 'annual' }): Target => ({ planId: body.planId, cycle: body.cycle ?? 'monthly' });

/** /api/v1/billing: the workspace's subscription (an aggregate on the billing topic) and its provider's hosted pages. */
export function billingRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const provider = await providerFor(ctx.config.billing);
    const billing = billingCommands(ctx, provider, app.log);
    const subscription = (accountId: string) =>
      subscriptionView(ctx.store.state.billing.get(accountId), planOf(ctx, accountId).plan, billing.providerName);
    const emailOf = (accountId: string, credential: Credential) =>
      (credential.userId === null ? undefined : ctx.store.state.accounts.people.user(credential.userId)?.email) ?? ctx.store.state.accounts.get(accountId)?.email ?? null;

    const timer = setInterval(() => void billing.renewDue(), ctx.config.billing.renewEveryMs ?? RENEW_EVERY_MS).unref();
    app.addHook('onReady', async () => { await billing.renewDue().catch(() => undefined); });
    app.addHook('onClose', async () => clearInterval(timer));

    app.get('/billing/overview', { schema: contract(op('The subscription, the invoices and the plan catalog', reads, [502]), { response: { 200: Overview } }) }, async (req) => {
      const { accountId } = req.principal;
      return { provider: billing.providerName, subscription: subscription(accountId), invoices: (await billing.invoices(accountId, 20)).map(invoiceView), plans: planCatalog() };
    });
    app.get('/billing/plans', { schema: contract(op('The plan catalog: limits and prices', reads), { response: { 200: Plans } }) }, async () => ({ data: planCatalog() }));
    app.get('/billing/subscription', { schema: contract(op('The workspace\'s subscription', reads), { response: { 200: Subscription } }) }, async (req) => subscription(req.principal.accountId));
    app.get('/billing/invoices', { schema: contract(op('The provider\'s invoices, newest first (none without a provider)', reads, [502]), { querystring: InvoicesQuery, response: { 200: Invoices } }) }, async (req) =>
      ({ data: (await billing.invoices(req.principal.accountId, req.query.limit ?? 20)).map(invoiceView) }));

    app.post('/billing/checkout', { schema: contract(op('Open the provider\'s hosted checkout for a new subscription', writes, [409, 502],
      'Answers the URL to send the customer to. The subscription starts when the provider\'s checkout.session.completed webhook arrives. '
      + '409 INVALID_STATE when the workspace already has a subscription (change it with POST /billing/update); 409 BILLING_NOT_CONFIGURED with no provider.'),
    { body: TargetBody, response: { 200: CheckoutResponse } }) }, async (req) =>
      billing.checkout(req.principal.accountId, emailOf(req.principal.accountId, req.credential), targetOf(req.body)));

    app.post('/billing/preview-update', { schema: contract(op('Preview a plan change: the proration breakdown, nothing applied', reads, [502],
      'What changing to {planId, cycle} now would charge: credit for the unused days, the new plan\'s charge, tax, the total due today and the next renewal. '
      + 'An upgrade or monthly→annual is immediate; a downgrade or annual→monthly waits for the renewal (timing renewal, nothing due today). '
      + 'With no subscription, what starting one costs. With a provider, its own preview is beside mittr\'s (`provider`).'),
    { body: TargetBody, response: { 200: PreviewResponse } }) }, async (req) => previewView(await billing.preview(req.principal.accountId, targetOf(req.body))));

    app.post('/billing/update', { schema: contract(op('Change the plan or cycle (upgrades now, downgrades at renewal)', writes, [409, 502],
      'Applies what POST /billing/preview-update shows. An upgrade or monthly→annual takes effect at once (the provider charges the proration; the limits move now); '
      + 'a downgrade or annual→monthly is scheduled for the renewal (scheduledChange; DELETE /billing/scheduled-change undoes it). Choosing the current plan undoes a scheduled change. '
      + 'With no provider (MITTR_BILLING_PROVIDER=none) this is how an admin assigns a plan, nothing charged; with a provider, a first subscription starts through POST /billing/checkout (409 INVALID_STATE here).'),
    { body: TargetBody, response: { 200: Subscription } }) }, async (req) => {
      await billing.change(req.principal.accountId, targetOf(req.body));
      return subscription(req.principal.accountId);
    });

    app.post('/billing/cancel', { schema: contract(op('Cancel at the period\'s end (active until currentPeriodEnd)', writes, [409, 502]), { response: { 200: Subscription } }) }, async (req) => {
      await billing.cancel(req.principal.accountId);
      return subscription(req.principal.accountId);
    });
    app.post('/billing/resume', { schema: contract(op('Undo a cancellation before it takes effect', writes, [409, 502]), { response: { 200: Subscription } }) }, async (req) => {
      await billing.resume(req.principal.accountId);
      return subscription(req.principal.accountId);
    });
    app.delete('/billing/scheduled-change', { schema: contract(op('Undo the change scheduled for the renewal', writes, [502]), { response: { 200: Subscription } }) }, async (req) => {
      await billing.undoScheduledChange(req.principal.accountId);
      return subscription(req.principal.accountId);
    });
    app.post('/billing/portal', { schema: contract(op('Open the provider\'s customer portal (payment methods, invoice PDFs)', writes, [409, 502]),
      { body: PortalBody, response: { 200: PortalResponse } }),
    // 002 calls it with no body at all: that is an empty one (the default return URL).
    preValidation: async (req) => { if (req.body === undefined || req.body === null) req.body = {}; } }, async (req) => billing.portal(req.principal.accountId, req.body.returnUrl));
  };
}
