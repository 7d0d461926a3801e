import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { signStripeWebhook } from '../../../test/support/stripe-webhook.ts';
import { STRIPE_MOCK_KEY, startStripeMock, useStripeMock, type StripeRequest } from '../../../test/support/stripe-mock.ts';
import { DomainError } from '../../platform/domain/errors.ts';
import { presetOf } from '../../inbound/domain/presets/index.ts';
import { verifyInbound } from '../../inbound/domain/verify/index.ts';
import { PRICES, invoice, stripeEvent, subscription, subscriptionItem } from './stripe-events.fixture.ts';
import { StripeProvider } from './stripe.ts';

/**
 * The adapter against Stripe's own mock: stripe-mock validates every request against Stripe's
 * OpenAPI document (a parameter Stripe does not take is a 400) and answers its fixtures, so
 * what the adapter asked is checked on the recorded requests and what it made of the answer
 * on the answer's shape.
 */
describe('StripeProvider against stripe-mock', () => {
  const mock = useStripeMock();
  const provider = () => new StripeProvider({ secretKey: STRIPE_MOCK_KEY, apiBase: mock().url, prices: PRICES });
  /** The requests one call made, in order. */
  async function sent(call: () => Promise<unknown>): Promise<StripeRequest[]> {
    const before = mock().requests.length;
    await call();
    return mock().requests.slice(before);
  }
  const checkoutInput = { accountId: 'acc_7', planId: 'growth' as const, cycle: 'annual' as const, successUrl: 'https://app.mittr.example/billing?done=1', cancelUrl: 'https://app.mittr.example/billing' };

  it('checkout: a subscription-mode session for the plan\'s price, naming the account three ways, for a new customer by email', async () => {
    let answer: { url: string; sessionId: string } | undefined;
    const [req] = await sent(async () => { answer = await provider().checkout({ ...checkoutInput, email: 'ada@example.com', customerId: null }); });
    expect(answer?.url).toMatch(/^https:\/\//);
    expect(answer?.sessionId).toMatch(/^cs_/);
    expect(req).toEqual({
      method: 'POST', path: '/v1/checkout/sessions',
      params: {
        'mode': 'subscription', 'line_items[0][price]': 'price_growth_y', 'line_items[0][quantity]': '1',
        'client_reference_id': 'acc_7', 'customer_email': 'ada@example.com',
        'metadata[accountId]': 'acc_7', 'metadata[planId]': 'growth', 'metadata[cycle]': 'annual',
        'subscription_data[metadata][accountId]': 'acc_7', 'subscription_data[metadata][planId]': 'growth', 'subscription_data[metadata][cycle]': 'annual',
        'success_url': checkoutInput.successUrl, 'cancel_url': checkoutInput.cancelUrl,
      },
    });
  });

  it('checkout of a returning customer names the customer, not an email', async () => {
    const [req] = await sent(() => provider().checkout({ ...checkoutInput, email: 'ada@example.com', customerId: 'cus_Q1' }));
    expect(req?.params).toMatchObject({ customer: 'cus_Q1' });
    expect(req?.params).not.toHaveProperty('customer_email');
  });

  it('checkout of a plan Stripe does not sell is refused before asking Stripe', async () => {
    const requests = mock().requests.length;
    await expect(provider().checkout({ ...checkoutInput, planId: 'enterprise', email: null, customerId: null })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    expect(mock().requests.length).toBe(requests);
  });

  it('preview: the subscription\'s item re-priced at the quoted moment, Stripe\'s preview as billing\'s breakdown', async () => {
    const at = Date.parse('2026-12-07T12:00:00Z');
    let preview: Awaited<ReturnType<StripeProvider['preview']>> | undefined;
    const [retrieve, create] = await sent(async () => { preview = await provider().preview({ customerId: 'cus_Q1', subscriptionId: 'sub_1', planId: 'scale', cycle: 'monthly', at }); });
    expect(retrieve).toMatchObject({ method: 'GET', path: '/v1/subscriptions/sub_1' });
    expect(create?.method).toBe('POST');
    expect(create?.path).toBe('/v1/invoices/create_preview');
    expect(create?.params).toEqual({
      'customer': 'cus_Q1', 'subscription': 'sub_1',
      'subscription_details[items][0][id]': expect.stringMatching(/^si_/), 'subscription_details[items][0][price]': 'price_scale_m',
      'subscription_details[proration_behavior]': 'always_invoice', 'subscription_details[proration_date]': String(at / 1000),
    });
    expect(preview).toEqual({
      currency: expect.any(String), subtotal: expect.any(Number), tax: expect.any(Number), total: expect.any(Number), amountDue: expect.any(Number),
      lines: expect.arrayContaining([{ description: expect.any(String), amount: expect.any(Number), proration: expect.any(Boolean) }]),
      periodEnd: expect.any(Number),
    });
    expect(preview?.periodEnd).toBeGreaterThan(1e12); // ms, not Stripe's seconds
  });

  it('changePlan: the item\'s price replaced, invoiced now when prorated, at no charge when not', async () => {
    for (const prorate of [true, false]) {
      const [retrieve, update] = await sent(() => provider().changePlan({ subscriptionId: 'sub_1', planId: 'scale', cycle: 'annual', prorate }));
      expect(retrieve).toMatchObject({ method: 'GET', path: '/v1/subscriptions/sub_1' });
      expect(update).toEqual({
        method: 'POST', path: '/v1/subscriptions/sub_1',
        params: { 'items[0][id]': expect.stringMatching(/^si_/), 'items[0][price]': 'price_scale_y', 'proration_behavior': prorate ? 'always_invoice' : 'none' },
      });
    }
  });

  it('setCancelAtPeriodEnd sets and clears the flag, and nothing else', async () => {
    for (const cancel of [true, false]) {
      expect(await sent(() => provider().setCancelAtPeriodEnd('sub_1', cancel))).toEqual([
        { method: 'POST', path: '/v1/subscriptions/sub_1', params: { cancel_at_period_end: String(cancel) } },
      ]);
    }
  });

  it('portal: a session of the customer\'s portal that returns to mittr', async () => {
    let portal: { url: string } | undefined;
    const [req] = await sent(async () => { portal = await provider().portal({ customerId: 'cus_Q1', returnUrl: 'https://app.mittr.example/billing' }); });
    expect(req).toEqual({ method: 'POST', path: '/v1/billing_portal/sessions', params: { customer: 'cus_Q1', return_url: 'https://app.mittr.example/billing' } });
    expect(portal?.url).toMatch(/^https:\/\//);
  });

  it('invoices: the customer\'s, as many as asked, times in ms', async () => {
    let invoices: Awaited<ReturnType<StripeProvider['invoices']>> = [];
    const [req] = await sent(async () => { invoices = await provider().invoices('cus_Q1', 5); });
    expect(req).toEqual({ method: 'GET', path: '/v1/invoices', params: { customer: 'cus_Q1', limit: '5' } });
    expect(invoices.length).toBeGreaterThan(0);
    for (const inv of invoices) {
      expect(inv).toEqual({
        id: expect.stringMatching(/^in_/), number: expect.toBeOneOf([null, expect.any(String)]), status: expect.any(String), currency: expect.any(String),
        total: expect.any(Number), amountDue: expect.any(Number), amountPaid: expect.any(Number),
        createdAt: expect.any(Number), periodStart: expect.any(Number), periodEnd: expect.any(Number),
        hostedUrl: expect.toBeOneOf([null, expect.any(String)]), pdfUrl: expect.toBeOneOf([null, expect.any(String)]),
      });
      expect(inv.createdAt).toBeGreaterThan(1e12);
    }
  });

  it('stripe-mock refuses what Stripe would (so the requests above were accepted on their merits)', async () => {
    const stripe = new Stripe(STRIPE_MOCK_KEY, { protocol: 'http', host: new URL(mock().url).hostname, port: Number(new URL(mock().url).port) });
    await expect(stripe.subscriptions.update('sub_1', { proration_behavior: 'sometimes' as never })).rejects.toThrow(/not in enumeration/);
    await expect(stripe.subscriptions.update('sub_1', { prorate: true } as never)).rejects.toThrow(/additional properties are not allowed/);
  });

  it('Stripe\'s refusals are billing\'s: a request or a key Stripe refuses is a PROVIDER_ERROR, Stripe away SERVICE_UNAVAILABLE', async () => {
    // An empty id makes a URL Stripe does not route: Stripe's invalid_request_error.
    await expect(provider().setCancelAtPeriodEnd('', true)).rejects.toMatchObject({ code: 'PROVIDER_ERROR' });
    const away = new StripeProvider({ secretKey: STRIPE_MOCK_KEY, apiBase: 'http://127.0.0.1:9', prices: PRICES });
    await expect(away.invoices('cus_Q1', 1)).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    const badKey = new StripeProvider({ secretKey: 'not-a-key', apiBase: mock().url, prices: PRICES });
    const err: unknown = await badKey.invoices('cus_Q1', 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: 'PROVIDER_ERROR' });
  });
});

describe('a Stripe webhook signed by Stripe\'s SDK, through mittr\'s inbound verification into the adapter', () => {
  const secret = 'whsec_' + Buffer.from('mittr-billing-endpoint-secret').toString('base64');
  const url = 'https://api.mittr.example/inbound/stripe-billing';
  const preset = presetOf('stripe')!;
  const verify = (rawBody: string, signature: string) =>
    verifyInbound(preset, { secret }, { method: 'POST', url, headers: { 'stripe-signature': signature }, rawBody: Buffer.from(rawBody) }, Date.now());
  const event = stripeEvent('customer.subscription.updated', subscription([subscriptionItem('price_scale_m')], { cancel_at_period_end: true }), 'evt_signed_1');

  it('is accepted with its event id and type, and the adapter reads it', () => {
    const signed = signStripeWebhook(event, secret);
    expect(signed.headers['stripe-signature']).toBe(signed.signature);
    expect(verify(signed.rawBody, signed.signature)).toEqual({ ok: true, deliveryId: 'evt_signed_1', eventType: 'customer.subscription.updated' });
    const parsed = new StripeProvider({ secretKey: STRIPE_MOCK_KEY, prices: PRICES }).parseWebhook(JSON.parse(signed.rawBody));
    expect(parsed).toMatchObject({ id: 'evt_signed_1', type: 'subscription.updated', subscriptionId: 'sub_1', planId: 'scale', cycle: 'monthly', cancelAtPeriodEnd: true });
  });

  it('is refused when one byte of the body changes, when signed with another secret, or signed too long ago', () => {
    const signed = signStripeWebhook(stripeEvent('invoice.paid', invoice()), secret);
    expect(verify(signed.rawBody.replace('"amount_paid":4900', '"amount_paid":4901'), signed.signature)).toMatchObject({ ok: false, reason: 'bad_signature' });
    const other = signStripeWebhook(signed.rawBody, 'whsec_' + Buffer.from('another-endpoint').toString('base64'));
    expect(verify(other.rawBody, other.signature)).toMatchObject({ ok: false, reason: 'bad_signature' });
    const stale = signStripeWebhook(signed.rawBody, secret, Math.floor(Date.now() / 1000) - 3_600);
    expect(verify(stale.rawBody, stale.signature)).toMatchObject({ ok: false, reason: 'stale_timestamp' });
  });
});

describe('test/support/stripe-mock.ts', () => {
  it('a startup that takes longer than its bound fails with stripe-mock\'s own output, not a hang', async () => {
    await expect(startStripeMock(1)).rejects.toThrow(/^stripe-mock did not serve a request within 1 ms; its output:/);
  });
});
