import type Stripe from 'stripe';
import type { ProviderInvoice, ProviderPreview } from '../provider.ts';

/** A Stripe invoice as billing lists it: amounts in the smallest unit as Stripe keeps them, times in ms. */
export function toProviderInvoice(invoice: Stripe.Invoice): ProviderInvoice {
  return {
    id: invoice.id,
    number: invoice.number ?? null,
    // Only a preview has no status; a listed invoice always has one.
    status: invoice.status ?? 'draft',
    currency: invoice.currency,
    total: invoice.total,
    amountDue: invoice.amount_due,
    amountPaid: invoice.amount_paid,
    createdAt: invoice.created * 1000,
    periodStart: invoice.period_start * 1000,
    periodEnd: invoice.period_end * 1000,
    hostedUrl: invoice.hosted_invoice_url ?? null,
    pdfUrl: invoice.invoice_pdf ?? null,
  };
}

const isProration = (line: Stripe.InvoiceLineItem): boolean =>
  line.parent?.subscription_item_details?.proration === true || line.parent?.invoice_item_details?.proration === true;

/**
 * Stripe's preview of a subscription change as the "you'll be charged $X today" breakdown: each
 * line (the credit for unused time and the charge for the new price are its proration lines),
 * tax as the sum of the invoice's taxes, and the renewal the prorations run to (the end of
 * their period; the invoice's own period end when there is none).
 */
export function toProviderPreview(invoice: Stripe.Invoice): ProviderPreview {
  const lines = invoice.lines.data;
  const prorationEnd = lines.filter(isProration).map((line) => line.period.end);
  const periodEnd = prorationEnd.length > 0 ? Math.max(...prorationEnd) : invoice.period_end;
  return {
    currency: invoice.currency,
    subtotal: invoice.subtotal,
    tax: (invoice.total_taxes ?? []).reduce((sum, t) => sum + t.amount, 0),
    total: invoice.total,
    amountDue: invoice.amount_due,
    lines: lines.map((line) => ({ description: line.description ?? '', amount: line.amount, proration: isProration(line) })),
    periodEnd: Number.isFinite(periodEnd) ? periodEnd * 1000 : null,
  };
}
