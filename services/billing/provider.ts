import type { PlanId } from '../plans/domain/catalog.ts';
import type { Cycle } from './domain/prices.ts';
import type { ProviderWebhook } from './domain/provider-events.ts';

/**
 * What billing asks of a payment provider. mittr keeps the subscription itself (its own events,
 * domain/decide.ts); the provider takes the money, hosts checkout and its customer portal, keeps
 * invoices, and tells mittr through its webhooks what changed. `none` (the self-hosted default)
 * has no provider object at all: the routes answer from mittr's own state.
 */
export interface BillingProvider {
  readonly name: 'stripe';
  /** A hosted checkout for a new subscription; its completion arrives as a `checkout.completed` webhook. */
  checkout(input: CheckoutInput): Promise<{ url: string; sessionId: string }>;
  /** The provider's own proration preview of changing the subscription to `target` now. */
  preview(input: { customerId: string; subscriptionId: string; planId: PlanId; cycle: Cycle; at: number }): Promise<ProviderPreview>;
  /** Moves the subscription to another price: now with proration (an upgrade), or at renewal without (a scheduled change applied). */
  changePlan(input: { subscriptionId: string; planId: PlanId; cycle: Cycle; prorate: boolean }): Promise<void>;
  setCancelAtPeriodEnd(subscriptionId: string, cancel: boolean): Promise<void>;
  /** The provider's hosted customer portal (payment methods, invoices). */
  portal(input: { customerId: string; returnUrl: string }): Promise<{ url: string }>;
  invoices(customerId: string, limit: number): Promise<ProviderInvoice[]>;
  /**
   * Reads a webhook whose signature mittr's inbound verification has already accepted (the
   * Stripe preset of services/inbound) into mittr's terms. A type billing does not act on is
   * `ignored`; a body that is not such an event throws a DomainError('VALIDATION_ERROR').
   */
  parseWebhook(body: unknown): ProviderWebhook;
}

export type CheckoutInput = {
  accountId: string; email: string | null; customerId: string | null;
  planId: PlanId; cycle: Cycle; successUrl: string; cancelUrl: string;
};

/** Amounts in the currency's smallest unit (cents); times in ms since the epoch. */
export type ProviderPreview = {
  currency: string; subtotal: number; tax: number; total: number; amountDue: number;
  lines: { description: string; amount: number; proration: boolean }[];
  periodEnd: number | null;
};

export type ProviderInvoice = {
  id: string; number: string | null; status: string; currency: string;
  total: number; amountDue: number; amountPaid: number;
  createdAt: number; periodStart: number | null; periodEnd: number | null;
  hostedUrl: string | null; pdfUrl: string | null;
};

/** A provider webhook in mittr's terms (the subscription's decider reads it): domain/provider-events.ts. */
export type { ProviderWebhook } from './domain/provider-events.ts';
