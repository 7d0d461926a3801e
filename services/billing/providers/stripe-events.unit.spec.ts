import { describe, expect, it } from 'vitest';
import { DomainError } from '../../platform/domain/errors.ts';
import { CREATED, PERIOD_END, PERIOD_START, PRICES, checkoutSession, invoice, stripeEvent, subscription, subscriptionItem } from './stripe-events.fixture.ts';
import { parseStripeEvent } from './stripe-events.ts';

const parse = (body: unknown) => parseStripeEvent(body, PRICES);
const envelope = { id: 'evt_1QhX2b2eZvKYlo2C0aB3cD4e', at: CREATED * 1000 };

function refusal(body: unknown): DomainError {
  try {
    parse(body);
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('parsed without a refusal');
}

describe('Stripe webhooks in billing\'s terms: checkout.session.completed', () => {
  it('names the account, customer and subscription; the plan comes from the metadata mittr put on the session', () => {
    expect(parse(stripeEvent('checkout.session.completed', checkoutSession()))).toEqual({
      ...envelope, type: 'checkout.completed', accountId: 'acc_7', customerId: 'cus_Q1', subscriptionId: 'sub_1', planId: 'growth', cycle: 'monthly',
    });
  });
  it('expanded line items: their price decides, and an expanded customer is read by its id', () => {
    const session = { ...checkoutSession({ customer: 'unused' }), customer: { id: 'cus_Q2', object: 'customer' }, line_items: { object: 'list', data: [{ id: 'li_1', object: 'item', price: { id: 'price_scale_y', object: 'price' } }] } };
    expect(parse(stripeEvent('checkout.session.completed', session))).toMatchObject({ customerId: 'cus_Q2', planId: 'scale', cycle: 'annual' });
  });
  it('without client_reference_id the account is the metadata\'s; with neither, the event is refused', () => {
    expect(parse(stripeEvent('checkout.session.completed', checkoutSession({ client_reference_id: null })))).toMatchObject({ accountId: 'acc_7' });
    const neither = checkoutSession({ client_reference_id: null, metadata: {} });
    expect(refusal(stripeEvent('checkout.session.completed', neither)).code).toBe('VALIDATION_ERROR');
  });
  it('metadata naming no plan of the catalog leaves plan and cycle null', () => {
    const session = checkoutSession({ metadata: { accountId: 'acc_7', planId: 'platinum', cycle: 'monthly' } });
    expect(parse(stripeEvent('checkout.session.completed', session))).toMatchObject({ planId: null, cycle: null });
  });
});

describe('customer.subscription.created / .updated', () => {
  it('the price of its item says the plan; the period is the item\'s (API versions since 2025-03-31), in ms', () => {
    const sub = subscription([subscriptionItem('price_scale_m')], { cancel_at_period_end: true, status: 'past_due' });
    expect(parse(stripeEvent('customer.subscription.updated', sub))).toEqual({
      ...envelope, type: 'subscription.updated', customerId: 'cus_Q1', subscriptionId: 'sub_1', planId: 'scale', cycle: 'monthly',
      status: 'past_due', cancelAtPeriodEnd: true, periodStart: PERIOD_START * 1000, periodEnd: PERIOD_END * 1000,
    });
    expect(parse(stripeEvent('customer.subscription.created', sub))).toMatchObject({ type: 'subscription.updated', planId: 'scale' });
  });
  it('an older API version keeps the period on the subscription itself', () => {
    const { current_period_start: _s, current_period_end: _e, ...item } = subscriptionItem('price_growth_y');
    const sub = { ...subscription([item]), current_period_start: PERIOD_START, current_period_end: PERIOD_END };
    expect(parse(stripeEvent('customer.subscription.updated', sub))).toMatchObject({ planId: 'growth', cycle: 'annual', periodStart: PERIOD_START * 1000, periodEnd: PERIOD_END * 1000 });
  });
  it('a price this deployment does not know falls back to the metadata, then to null', () => {
    expect(parse(stripeEvent('customer.subscription.updated', subscription([subscriptionItem('price_dashboard_made')])))).toMatchObject({ planId: 'growth', cycle: 'monthly' });
    const bare = subscription([subscriptionItem('price_dashboard_made')], { metadata: {} });
    expect(parse(stripeEvent('customer.subscription.updated', bare))).toMatchObject({ planId: null, cycle: null });
  });
  it('no period anywhere is null, not NaN', () => {
    const { current_period_start: _s, current_period_end: _e, ...item } = subscriptionItem('price_growth_m');
    expect(parse(stripeEvent('customer.subscription.updated', subscription([item])))).toMatchObject({ periodStart: null, periodEnd: null });
  });
});

describe('customer.subscription.deleted, invoice.paid, invoice.payment_failed', () => {
  it('deleted: the customer and the subscription', () => {
    expect(parse(stripeEvent('customer.subscription.deleted', subscription([subscriptionItem('price_growth_m')], { status: 'canceled' })))).toEqual({
      ...envelope, type: 'subscription.deleted', customerId: 'cus_Q1', subscriptionId: 'sub_1',
    });
  });
  it('invoice.paid: the subscription from parent.subscription_details, the amount paid', () => {
    expect(parse(stripeEvent('invoice.paid', invoice()))).toEqual({
      ...envelope, type: 'invoice.paid', customerId: 'cus_Q1', subscriptionId: 'sub_1', invoiceId: 'in_1Qz', amountPaid: 4_900, currency: 'usd',
    });
  });
  it('invoice.paid of an older API version (`subscription` on the invoice), and of a one-off invoice (none)', () => {
    expect(parse(stripeEvent('invoice.paid', { ...invoice({ parent: null }), subscription: 'sub_old' }))).toMatchObject({ subscriptionId: 'sub_old' });
    expect(parse(stripeEvent('invoice.paid', invoice({ parent: null })))).toMatchObject({ subscriptionId: null });
  });
  it('invoice.payment_failed: what is due, how many attempts, when Stripe retries (ms)', () => {
    const failed = invoice({ status: 'open', amount_paid: 0, amount_remaining: 4_900, attempt_count: 2, next_payment_attempt: CREATED + 3 * 86_400 });
    expect(parse(stripeEvent('invoice.payment_failed', failed))).toEqual({
      ...envelope, type: 'invoice.payment_failed', customerId: 'cus_Q1', subscriptionId: 'sub_1', invoiceId: 'in_1Qz',
      amountDue: 4_900, currency: 'usd', attemptCount: 2, nextAttemptAt: (CREATED + 3 * 86_400) * 1000,
    });
    expect(parse(stripeEvent('invoice.payment_failed', invoice({ next_payment_attempt: null })))).toMatchObject({ nextAttemptAt: null });
  });
});

describe('what billing does not act on, and what is no Stripe event', () => {
  it('another type is ignored, with its name', () => {
    expect(parse(stripeEvent('customer.created', { id: 'cus_Q1', object: 'customer' }))).toEqual({ ...envelope, type: 'ignored', providerType: 'customer.created' });
  });
  it.each([
    ['null', null],
    ['an array', [stripeEvent('invoice.paid', invoice())]],
    ['another object', { ...stripeEvent('invoice.paid', invoice()), object: 'invoice' }],
    ['no id', { ...stripeEvent('invoice.paid', invoice()), id: undefined }],
    ['no created', { ...stripeEvent('invoice.paid', invoice()), created: '1796000000' }],
    ['no data.object', { ...stripeEvent('invoice.paid', invoice()), data: {} }],
    ['an acted-on type without what billing needs', stripeEvent('checkout.session.completed', checkoutSession({ subscription: null }))],
    ['an invoice without a customer', stripeEvent('invoice.paid', invoice({ customer: null }))],
  ])('%s is a VALIDATION_ERROR', (_name, body) => {
    const err = refusal(body);
    expect(err.code).toBe('VALIDATION_ERROR');
    expect(err.message).toMatch(/^not a Stripe event: /);
  });
});
