import { Type } from 'typebox';
import { DateTime, Nullable } from '../platform/http/contract.ts';
import { Limits } from '../plans/contract.ts';

/** The billing room's HTTP contract. Amounts are integers in cents (USD); times RFC 3339. */

const PaidPlan = Type.Union([Type.Literal('growth'), Type.Literal('scale')], { description: 'A plan sold self-serve (GET /billing/plans)' });
const Cycle = Type.Union([Type.Literal('monthly'), Type.Literal('annual')]);
const Cents = (description: string) => Type.Integer({ description: `${description}, in cents` });

export const TargetBody = Type.Object({
  planId: PaidPlan,
  cycle: Type.Optional({ ...Cycle, description: 'monthly (the default) or annual' }),
});
export const PortalBody = Type.Object({
  returnUrl: Type.Optional(Type.String({ maxLength: 2048, pattern: '^https?://', description: 'Where the provider\'s portal sends the customer back; default <public URL>/ui/billing, the dashboard\'s billing page' })),
});
export const InvoicesQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Default 20' })) });

export const Provider = Type.Union([Type.Literal('none'), Type.Literal('stripe')], { description: 'Who takes the money: none (self-hosted, nothing is charged) or stripe' });

export const Subscription = Type.Object({
  provider: Provider,
  planId: Type.String({ description: 'The plan the workspace is entitled to now (its limits: GET /entitlements)' }),
  status: Type.Union([Type.Literal('none'), Type.Literal('active'), Type.Literal('canceling'), Type.Literal('past_due'), Type.Literal('ended')], {
    description: 'none: no subscription (the workspace is on its signup plan); canceling: cancelled at period end, still active; past_due: a payment failed, the provider retries',
  }),
  cycle: Nullable(Cycle),
  currentPeriodStart: Nullable(DateTime),
  currentPeriodEnd: Nullable(DateTime),
  cancelAtPeriodEnd: Type.Boolean(),
  scheduledChange: Nullable(Type.Object({ planId: Type.String(), cycle: Cycle, effectiveAt: DateTime }, { description: 'A change waiting for the renewal (DELETE /billing/scheduled-change undoes it)' })),
  customerId: Nullable(Type.String({ description: 'The provider\'s customer id' })),
});

export const Plan = Type.Object({
  id: Type.String(),
  sellable: Type.Boolean({ description: 'Sold self-serve (checkout, update); the others are assigned (enterprise by contract, self-hosted by the operator)' }),
  prices: Nullable(Type.Object({ monthly: Cents('A month'), annual: Cents('A year') })),
  currency: Type.Literal('usd'),
  limits: Limits,
});
export const Plans = Type.Object({ data: Type.Array(Plan) });

export const Invoice = Type.Object({
  id: Type.String(), number: Nullable(Type.String()), status: Type.String({ description: 'The provider\'s: draft, open, paid, uncollectible, void' }),
  currency: Type.String(), total: Cents('The total'), amountDue: Cents('Still due'), amountPaid: Cents('Paid'),
  createdAt: DateTime, periodStart: Nullable(DateTime), periodEnd: Nullable(DateTime),
  hostedUrl: Nullable(Type.String()), pdfUrl: Nullable(Type.String()),
});
export const Invoices = Type.Object({ data: Type.Array(Invoice) });

export const Overview = Type.Object({ provider: Provider, subscription: Subscription, invoices: Type.Array(Invoice), plans: Type.Array(Plan) });

export const PreviewResponse = Type.Object({
  planId: PaidPlan, cycle: Cycle,
  timing: Type.Union([Type.Literal('now'), Type.Literal('renewal')], { description: 'now: an upgrade or monthly→annual, charged today; renewal: a downgrade or annual→monthly, scheduled' }),
  effectiveAt: DateTime,
  daysInPeriod: Type.Integer(), daysLeft: Type.Integer(),
  credit: Cents('Credit for the unused days of the current plan'),
  charge: Cents('The new plan for the rest of the period, or a whole new period'),
  tax: Cents('Tax on charge − credit (MITTR_BILLING_TAX_BPS)'),
  total: Cents('charge − credit + tax; negative is a balance kept for the next invoice'),
  amountDueToday: Cents('What is charged today'),
  nextRenewalAt: DateTime, nextRenewalAmount: Cents('What the next renewal charges'),
  currency: Type.Literal('usd'),
  provider: Nullable(Type.Object({
    currency: Type.String(), subtotal: Type.Integer(), tax: Type.Integer(), total: Type.Integer(), amountDue: Type.Integer(),
    lines: Type.Array(Type.Object({ description: Type.String(), amount: Type.Integer(), proration: Type.Boolean() })),
    periodEnd: Nullable(DateTime),
  }, { description: 'The provider\'s own preview of an immediate change (its invoice preview), beside mittr\'s; null with no provider or for a scheduled change' })),
});

export const CheckoutResponse = Type.Object({ url: Type.String({ description: 'The provider\'s hosted checkout: redirect the customer there' }), sessionId: Type.String() });
export const PortalResponse = Type.Object({ url: Type.String({ description: 'The provider\'s hosted portal: redirect the customer there' }) });

export const WebhookAck = Type.Object({
  received: Type.Literal(true),
  recorded: Type.Integer({ description: 'How many subscription events it made: 0 for a retry, a type billing does not act on, or a customer mittr does not know' }),
});
