import type Stripe from 'stripe';
import type { StripePrices } from './stripe-prices.ts';

/**
 * Specs only: Stripe Event objects as Stripe sends them to a webhook endpoint, each field
 * checked against the SDK's own types (`satisfies Pick<Stripe.X, ...>`), so a shape that moves
 * in a new SDK fails to compile here instead of passing against a shape Stripe no longer sends.
 */
export const PRICES: StripePrices = {
  growth: { monthly: 'price_growth_m', annual: 'price_growth_y' },
  scale: { monthly: 'price_scale_m', annual: 'price_scale_y' },
};

export const CREATED = 1_796_000_000; // seconds, as Stripe writes times
export const PERIOD_START = 1_795_900_000;
export const PERIOD_END = PERIOD_START + 30 * 86_400;

export function stripeEvent(type: string, object: object, id = 'evt_1QhX2b2eZvKYlo2C0aB3cD4e') {
  return {
    id, object: 'event', api_version: '2026-10-28.endive', created: CREATED, livemode: false,
    pending_webhooks: 1, request: { id: 'req_8xLm2Q9v', idempotency_key: '5f1e0a57-9d41-4c63-a4a8-2b0c9f0e1d22' },
    type, data: { object },
  } satisfies Pick<Stripe.EventBase, 'id' | 'object' | 'api_version' | 'created' | 'livemode' | 'pending_webhooks' | 'request'> & { type: string; data: { object: object } };
}

export function checkoutSession(overrides: Partial<Stripe.Checkout.Session> = {}) {
  return {
    id: 'cs_test_a1B2c3', object: 'checkout.session', mode: 'subscription', status: 'complete', payment_status: 'paid',
    client_reference_id: 'acc_7', customer: 'cus_Q1', customer_email: 'ada@example.com', subscription: 'sub_1',
    metadata: { accountId: 'acc_7', planId: 'growth', cycle: 'monthly' }, currency: 'usd', amount_total: 4_900,
    created: CREATED, expires_at: CREATED + 86_400, livemode: false, url: null,
    success_url: 'https://app.mittr.example/billing?checkout=done', cancel_url: 'https://app.mittr.example/billing',
    ...overrides,
  } satisfies Partial<Stripe.Checkout.Session>;
}

export function subscriptionItem(price: string, overrides: Partial<Stripe.SubscriptionItem> = {}) {
  return {
    id: 'si_R2', object: 'subscription_item', created: PERIOD_START, quantity: 1, subscription: 'sub_1', metadata: {},
    current_period_start: PERIOD_START, current_period_end: PERIOD_END,
    price: {
      id: price, object: 'price', active: true, currency: 'usd', unit_amount: 4_900, product: 'prod_growth',
      type: 'recurring', billing_scheme: 'per_unit', livemode: false, created: PERIOD_START, metadata: {},
    } satisfies Partial<Stripe.Price>,
    ...overrides,
  } satisfies Partial<Omit<Stripe.SubscriptionItem, 'price'>> & { price: Partial<Stripe.Price> };
}

export function subscription(items: object[], overrides: Partial<Stripe.Subscription> = {}) {
  return {
    id: 'sub_1', object: 'subscription', customer: 'cus_Q1', status: 'active', cancel_at_period_end: false,
    cancel_at: null, canceled_at: null, currency: 'usd', created: PERIOD_START, start_date: PERIOD_START,
    billing_cycle_anchor: PERIOD_START, collection_method: 'charge_automatically', livemode: false,
    metadata: { accountId: 'acc_7', planId: 'growth', cycle: 'monthly' },
    items: { object: 'list', data: items, has_more: false, url: '/v1/subscription_items?subscription=sub_1' },
    ...overrides,
  } satisfies Partial<Omit<Stripe.Subscription, 'items'>> & { items: object };
}

export function invoice(overrides: Partial<Stripe.Invoice> = {}) {
  return {
    id: 'in_1Qz', object: 'invoice', customer: 'cus_Q1', number: 'MITTR-0001', status: 'paid', currency: 'usd',
    subtotal: 4_900, total: 4_900, amount_due: 4_900, amount_paid: 4_900, amount_remaining: 0, attempt_count: 1,
    attempted: true, next_payment_attempt: null, created: CREATED, period_start: PERIOD_START, period_end: PERIOD_END,
    billing_reason: 'subscription_cycle', livemode: false,
    hosted_invoice_url: 'https://invoice.stripe.com/i/acct_1/test_in_1Qz', invoice_pdf: 'https://pay.stripe.com/invoice/acct_1/test_in_1Qz/pdf',
    parent: {
      type: 'subscription_details', quote_details: null,
      subscription_details: { subscription: 'sub_1', metadata: { accountId: 'acc_7' } },
    },
    ...overrides,
  } satisfies Partial<Stripe.Invoice>;
}
