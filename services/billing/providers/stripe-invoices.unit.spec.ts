import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../platform/domain/errors.ts';
import { CREATED, PERIOD_END, PERIOD_START, PRICES, invoice } from './stripe-events.fixture.ts';
import { toProviderInvoice, toProviderPreview } from './stripe-invoices.ts';
import { planOfPrice, priceIdOf } from './stripe-prices.ts';

const NOW = PERIOD_START + 15 * 86_400;

function line(description: string, amount: number, proration: boolean, period: { start: number; end: number }) {
  return {
    id: `il_${description.length}`, object: 'line_item', amount, currency: 'usd', description, period, quantity: 1,
    parent: {
      type: 'subscription_item_details', invoice_item_details: null,
      subscription_item_details: { invoice_item: proration ? 'ii_1' : null, proration, proration_details: null, subscription: 'sub_1', subscription_item: 'si_R2' },
    },
  } satisfies Partial<Stripe.InvoiceLineItem>;
}

/** A preview of moving growth (monthly) to scale (monthly) half-way through the period, with 10% tax. */
function preview() {
  const lines = [
    line('Unused time on Growth after 16 Nov 2026', -2_450, true, { start: NOW, end: PERIOD_END }),
    line('Remaining time on Scale after 16 Nov 2026', 12_450, true, { start: NOW, end: PERIOD_END }),
    line('1 × Scale (at $249.00 / month)', 24_900, false, { start: PERIOD_END, end: PERIOD_END + 30 * 86_400 }),
  ];
  return {
    ...invoice({ status: 'draft', number: null, hosted_invoice_url: null, invoice_pdf: null, subtotal: 34_900, total: 38_390, amount_due: 38_390, amount_paid: 0 }),
    period_end: PERIOD_END + 30 * 86_400,
    total_taxes: [{ amount: 3_490, tax_behavior: 'exclusive', tax_rate_details: { tax_rate: 'txr_1' }, taxability_reason: 'standard_rated', taxable_amount: 34_900, type: 'tax_rate_details' }],
    lines: { object: 'list', data: lines, has_more: false, url: '/v1/invoices/upcoming/lines' },
  } as unknown as Stripe.Invoice; // the fields read are typed above; the rest of an Invoice is not needed
}

describe('a Stripe invoice preview as billing\'s proration breakdown', () => {
  it('each line with its proration flag, tax summed, the renewal the prorations run to', () => {
    expect(toProviderPreview(preview())).toEqual({
      currency: 'usd', subtotal: 34_900, tax: 3_490, total: 38_390, amountDue: 38_390,
      lines: [
        { description: 'Unused time on Growth after 16 Nov 2026', amount: -2_450, proration: true },
        { description: 'Remaining time on Scale after 16 Nov 2026', amount: 12_450, proration: true },
        { description: '1 × Scale (at $249.00 / month)', amount: 24_900, proration: false },
      ],
      periodEnd: PERIOD_END * 1000,
    });
  });
  it('no proration lines and no taxes: the invoice\'s own period end, tax 0', () => {
    const plain = { ...preview(), total_taxes: null, lines: { object: 'list', data: [], has_more: false, url: '' } } as unknown as Stripe.Invoice;
    expect(toProviderPreview(plain)).toMatchObject({ tax: 0, lines: [], periodEnd: (PERIOD_END + 30 * 86_400) * 1000 });
  });
});

describe('a listed Stripe invoice', () => {
  it('maps amounts as they are and seconds to ms', () => {
    expect(toProviderInvoice(invoice() as unknown as Stripe.Invoice)).toEqual({
      id: 'in_1Qz', number: 'MITTR-0001', status: 'paid', currency: 'usd', total: 4_900, amountDue: 4_900, amountPaid: 4_900,
      createdAt: CREATED * 1000, periodStart: PERIOD_START * 1000, periodEnd: PERIOD_END * 1000,
      hostedUrl: 'https://invoice.stripe.com/i/acct_1/test_in_1Qz', pdfUrl: 'https://pay.stripe.com/invoice/acct_1/test_in_1Qz/pdf',
    });
  });
});

describe('the configured Stripe prices', () => {
  it('each plan and cycle sold has its price, and reads back to it', () => {
    for (const planId of ['growth', 'scale'] as const) {
      for (const cycle of ['monthly', 'annual'] as const) expect(planOfPrice(PRICES, priceIdOf(PRICES, planId, cycle))).toEqual({ planId, cycle });
    }
    expect(planOfPrice(PRICES, 'price_other')).toBeUndefined();
  });
  it.each(['free', 'enterprise', 'self-hosted'] as const)('%s is not sold through Stripe: a VALIDATION_ERROR', (planId) => {
    expect(() => priceIdOf(PRICES, planId, 'monthly')).toThrow(DomainError);
    expect(() => priceIdOf(PRICES, planId, 'monthly')).toThrow(/not sold through Stripe/);
  });
});
