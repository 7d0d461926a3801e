import Stripe from 'stripe';
import { DomainError } from '../../platform/domain/errors.ts';
import type { PlanId } from '../../plans/domain/catalog.ts';
import type { Cycle } from '../domain/prices.ts';
import type { BillingProvider, CheckoutInput, ProviderInvoice, ProviderPreview, ProviderWebhook } from '../provider.ts';
import { parseStripeEvent } from './stripe-events.ts';
import { toProviderInvoice, toProviderPreview } from './stripe-invoices.ts';
import { priceIdOf, type StripePrices } from './stripe-prices.ts';

export type { StripePrices } from './stripe-prices.ts';

export type StripeProviderOptions = {
  secretKey: string;
  /** Where Stripe's API is, when not api.stripe.com: stripe-mock's URL in tests (`http://127.0.0.1:PORT`). */
  apiBase?: string;
  prices: StripePrices;
};

/** A billing route waits on this: Stripe's own default (80 s) would hold a request far too long. */
const TIMEOUT_MS = 20_000;

/**
 * Billing's provider on Stripe, through Stripe's SDK. mittr keeps the subscription's state from
 * Stripe's webhooks; this only asks Stripe to act (checkout, price changes, the cancel flag) and
 * reads what Stripe keeps (previews, invoices, the portal).
 */
export class StripeProvider implements BillingProvider {
  readonly name = 'stripe' as const;
  private readonly stripe: Stripe;
  private readonly prices: StripePrices;

  constructor(options: StripeProviderOptions) {
    // Retries are safe: the SDK sends the same Idempotency-Key with each retry of a POST.
    this.stripe = new Stripe(options.secretKey, { ...apiBaseConfig(options.apiBase), timeout: TIMEOUT_MS, maxNetworkRetries: 2, telemetry: false });
    this.prices = options.prices;
  }

  async checkout(input: CheckoutInput): Promise<{ url: string; sessionId: string }> {
    const price = priceIdOf(this.prices, input.planId, input.cycle);
    const metadata = { accountId: input.accountId, planId: input.planId, cycle: input.cycle };
    const session = await call(() => this.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price, quantity: 1 }],
      client_reference_id: input.accountId,
      metadata,
      subscription_data: { metadata },
      success_url: input.successUrl,
      cancel_url: input.cancelUrl,
      // A returning customer pays with what Stripe has on file; a new one is created from the address.
      ...(input.customerId !== null ? { customer: input.customerId } : input.email !== null ? { customer_email: input.email } : {}),
    }));
    if (!session.url) throw new DomainError('SERVICE_UNAVAILABLE', 'Stripe answered a checkout session without a URL');
    return { url: session.url, sessionId: session.id };
  }

  async preview(input: { customerId: string; subscriptionId: string; planId: PlanId; cycle: Cycle; at: number }): Promise<ProviderPreview> {
    const price = priceIdOf(this.prices, input.planId, input.cycle);
    const item = await this.currentItem(input.subscriptionId);
    const invoice = await call(() => this.stripe.invoices.createPreview({
      customer: input.customerId,
      subscription: input.subscriptionId,
      subscription_details: {
        items: [{ id: item, price }],
        // The same behaviour changePlan uses for an upgrade, at the moment the caller is quoted.
        proration_behavior: 'always_invoice',
        proration_date: Math.floor(input.at / 1000),
      },
    }));
    return toProviderPreview(invoice);
  }

  async changePlan(input: { subscriptionId: string; planId: PlanId; cycle: Cycle; prorate: boolean }): Promise<void> {
    const price = priceIdOf(this.prices, input.planId, input.cycle);
    const item = await this.currentItem(input.subscriptionId);
    await call(() => this.stripe.subscriptions.update(input.subscriptionId, {
      items: [{ id: item, price }],
      // An upgrade is charged now for the rest of the period; a change applied at renewal owes nothing extra.
      proration_behavior: input.prorate ? 'always_invoice' : 'none',
    }));
  }

  async setCancelAtPeriodEnd(subscriptionId: string, cancel: boolean): Promise<void> {
    await call(() => this.stripe.subscriptions.update(subscriptionId, { cancel_at_period_end: cancel }));
  }

  async portal(input: { customerId: string; returnUrl: string }): Promise<{ url: string }> {
    const session = await call(() => this.stripe.billingPortal.sessions.create({ customer: input.customerId, return_url: input.returnUrl }));
    return { url: session.url };
  }

  async invoices(customerId: string, limit: number): Promise<ProviderInvoice[]> {
    const page = await call(() => this.stripe.invoices.list({ customer: customerId, limit }));
    return page.data.map(toProviderInvoice);
  }

  parseWebhook(body: unknown): ProviderWebhook {
    return parseStripeEvent(body, this.prices);
  }

  /** mittr's subscriptions have one item, its plan's price: a change replaces that item's price. */
  private async currentItem(subscriptionId: string): Promise<string> {
    const sub = await call(() => this.stripe.subscriptions.retrieve(subscriptionId));
    const item = sub.items.data[0];
    if (!item) throw new DomainError('INVALID_STATE', `Stripe subscription ${subscriptionId} has no item to change`);
    return item.id;
  }
}

function apiBaseConfig(apiBase: string | undefined): { protocol?: 'http' | 'https'; host?: string; port?: number } {
  if (apiBase === undefined || apiBase === '') return {};
  const url = new URL(apiBase);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`Stripe API base ${apiBase} is not an http(s) URL`);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { protocol, host: url.hostname, port: url.port === '' ? (protocol === 'http' ? 80 : 443) : Number(url.port) };
}

/**
 * Stripe's failures in mittr's terms, so a route never answers a 500: Stripe away for now (its
 * connection, its own 5xx, its rate limit) is SERVICE_UNAVAILABLE, to retry; a request Stripe
 * refuses (an unknown customer or price, a declined card, mittr's key refused) is PROVIDER_ERROR,
 * 502: the caller's request was fine, mittr's to Stripe was not, and nothing was changed.
 */
async function call<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (err) {
    if (err instanceof Stripe.errors.StripeConnectionError || err instanceof Stripe.errors.StripeAPIError || err instanceof Stripe.errors.StripeRateLimitError) {
      throw new DomainError('SERVICE_UNAVAILABLE', `Stripe is unavailable: ${err.message}`, { providerType: err.type });
    }
    if (err instanceof Stripe.errors.StripeError) {
      throw new DomainError('PROVIDER_ERROR', `Stripe refused the request: ${err.message}`, { providerType: err.type, providerCode: err.code ?? null });
    }
    throw err;
  }
}
