import type { ProviderWebhook } from '../provider.ts';
import { idAt, idOf, invalid, isObject, msOf, numberAt, objectAt, optionalNumber, optionalString, stringAt, type Json } from './stripe-json.ts';
import { planOf, type StripePrices } from './stripe-prices.ts';

type Envelope = { id: string; at: number };

/**
 * A Stripe Event object (its signature already accepted by mittr's inbound verification) in
 * mittr's terms. Pure. The types billing acts on are read field by field, tolerant of where
 * Stripe's API versions put them; any other type is `ignored`; a body that is no Stripe event,
 * or an acted-on event without the fields mittr needs, is a VALIDATION_ERROR.
 */
export function parseStripeEvent(body: unknown, prices: StripePrices): ProviderWebhook {
  if (!isObject(body) || body.object !== 'event') throw invalid('the body is not an object with "object": "event"');
  const envelope: Envelope = { id: stringAt(body, 'id', 'event'), at: numberAt(body, 'created', 'event') * 1000 };
  const type = stringAt(body, 'type', 'event');
  const object = objectAt(objectAt(body, 'data', 'event'), 'object', 'event.data');
  switch (type) {
    case 'checkout.session.completed': return checkoutCompleted(envelope, object, prices);
    case 'customer.subscription.created':
    case 'customer.subscription.updated': return subscriptionUpdated(envelope, object, prices);
    case 'customer.subscription.deleted':
      return { ...envelope, type: 'subscription.deleted', customerId: idAt(object, 'customer', 'subscription'), subscriptionId: stringAt(object, 'id', 'subscription') };
    case 'invoice.paid': return invoicePaid(envelope, object);
    case 'invoice.payment_failed': return invoicePaymentFailed(envelope, object);
    default: return { ...envelope, type: 'ignored', providerType: type };
  }
}

function checkoutCompleted(envelope: Envelope, session: Json, prices: StripePrices): ProviderWebhook {
  const metadata = isObject(session.metadata) ? session.metadata : {};
  // mittr sets both on the sessions it creates; client_reference_id is the one Stripe documents for it.
  const accountId = optionalString(session.client_reference_id) ?? optionalString(metadata.accountId);
  if (accountId === null) throw invalid('checkout session has neither client_reference_id nor metadata.accountId');
  return {
    ...envelope, type: 'checkout.completed', accountId,
    customerId: idAt(session, 'customer', 'checkout session'),
    subscriptionId: idAt(session, 'subscription', 'checkout session'),
    ...planOf(prices, firstPriceId(session.line_items), metadata),
  };
}

function subscriptionUpdated(envelope: Envelope, sub: Json, prices: StripePrices): ProviderWebhook {
  const item = firstOfList(sub.items);
  // API versions from 2025-03-31 keep the period on each item; older ones on the subscription.
  const periodOwner = item && item.current_period_start !== undefined ? item : sub;
  return {
    ...envelope, type: 'subscription.updated',
    customerId: idAt(sub, 'customer', 'subscription'),
    subscriptionId: stringAt(sub, 'id', 'subscription'),
    ...planOf(prices, item ? idOf(item.price) : null, sub.metadata),
    status: stringAt(sub, 'status', 'subscription'),
    cancelAtPeriodEnd: sub.cancel_at_period_end === true,
    periodStart: msOf(periodOwner.current_period_start),
    periodEnd: msOf(periodOwner.current_period_end),
  };
}

function invoicePaid(envelope: Envelope, invoice: Json): ProviderWebhook {
  return {
    ...envelope, type: 'invoice.paid', ...invoiceIds(invoice),
    amountPaid: numberAt(invoice, 'amount_paid', 'invoice'), currency: stringAt(invoice, 'currency', 'invoice'),
  };
}

function invoicePaymentFailed(envelope: Envelope, invoice: Json): ProviderWebhook {
  return {
    ...envelope, type: 'invoice.payment_failed', ...invoiceIds(invoice),
    amountDue: numberAt(invoice, 'amount_due', 'invoice'), currency: stringAt(invoice, 'currency', 'invoice'),
    attemptCount: optionalNumber(invoice.attempt_count) ?? 0,
    nextAttemptAt: msOf(invoice.next_payment_attempt),
  };
}

function invoiceIds(invoice: Json): { customerId: string; subscriptionId: string | null; invoiceId: string } {
  return { customerId: idAt(invoice, 'customer', 'invoice'), subscriptionId: subscriptionOfInvoice(invoice), invoiceId: stringAt(invoice, 'id', 'invoice') };
}

/** Where the subscription of an invoice is: `parent.subscription_details` since 2025-03-31, `subscription` before. */
export function subscriptionOfInvoice(invoice: Json): string | null {
  const parent = isObject(invoice.parent) ? invoice.parent : {};
  const details = isObject(parent.subscription_details) ? parent.subscription_details : {};
  return idOf(details.subscription) ?? idOf(invoice.subscription);
}

/** The first element of a Stripe list (`{object: 'list', data: [...]}`), when there is one. */
function firstOfList(list: unknown): Json | undefined {
  const data = isObject(list) && Array.isArray(list.data) ? (list.data as unknown[]) : [];
  const first = data[0];
  return isObject(first) ? first : undefined;
}

/** A checkout session's line items are there only when expanded; a subscription item's price always. */
function firstPriceId(lineItems: unknown): string | null {
  const item = firstOfList(lineItems);
  return item ? idOf(item.price) : null;
}
