import type { PlanId } from '../../plans/domain/catalog.ts';
import type { Cycle } from './prices.ts';

type Webhook = { id: string; at: number };
/** A provider webhook in mittr's terms; `planId`/`cycle` are null when the price is none of the catalog's. */
export type ProviderWebhook =
  | Webhook & { type: 'checkout.completed'; accountId: string; customerId: string; subscriptionId: string; planId: PlanId | null; cycle: Cycle | null }
  | Webhook & {
    type: 'subscription.updated'; customerId: string; subscriptionId: string; planId: PlanId | null; cycle: Cycle | null;
    status: string; cancelAtPeriodEnd: boolean; periodStart: number | null; periodEnd: number | null;
  }
  | Webhook & { type: 'subscription.deleted'; customerId: string; subscriptionId: string }
  | Webhook & { type: 'invoice.paid'; customerId: string; subscriptionId: string | null; invoiceId: string; amountPaid: number; currency: string }
  | Webhook & {
    type: 'invoice.payment_failed'; customerId: string; subscriptionId: string | null; invoiceId: string;
    amountDue: number; currency: string; attemptCount: number; nextAttemptAt: number | null;
  }
  | Webhook & { type: 'ignored'; providerType: string };
