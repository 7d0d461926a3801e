import { PLAN_IDS, PLANS } from '../plans/domain/catalog.ts';
import { isSellable, PRICES } from './domain/prices.ts';
import type { SubscriptionState } from './domain/evolve.ts';
import type { Provider } from './domain/messages.ts';
import type { Preview } from './commands.ts';
import type { ProviderInvoice } from './provider.ts';

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

/** The subscription as the API shows it; `planId` is what the workspace is entitled to now (services/plans/account-plan.ts). */
export function subscriptionView(s: SubscriptionState | undefined, planId: string, provider: Provider) {
  if (!s || s.ended) {
    return { provider, planId, status: s ? 'ended' as const : 'none' as const, cycle: null, currentPeriodStart: null, currentPeriodEnd: null,
      cancelAtPeriodEnd: false, scheduledChange: null, customerId: s?.customerId ?? null };
  }
  const status = s.paymentStatus === 'past_due' ? 'past_due' as const : s.cancelAtPeriodEnd ? 'canceling' as const : 'active' as const;
  return {
    provider, planId, status, cycle: s.cycle, currentPeriodStart: iso(s.periodStart), currentPeriodEnd: iso(s.periodEnd), cancelAtPeriodEnd: s.cancelAtPeriodEnd,
    scheduledChange: s.scheduledChange && { planId: s.scheduledChange.planId, cycle: s.scheduledChange.cycle, effectiveAt: iso(s.scheduledChange.effectiveAt) },
    customerId: s.customerId,
  };
}

/** The plan catalog with its prices. */
export const planCatalog = () => PLAN_IDS.map((id) => ({ id, sellable: isSellable(id) && id !== 'free', prices: PRICES[id], currency: 'usd' as const, limits: PLANS[id] }));

export const invoiceView = (i: ProviderInvoice) => ({
  ...i, createdAt: iso(i.createdAt), periodStart: isoOrNull(i.periodStart), periodEnd: isoOrNull(i.periodEnd),
});

export const previewView = (p: Preview) => ({
  planId: p.planId as 'growth' | 'scale', cycle: p.cycle, timing: p.timing, effectiveAt: iso(p.effectiveAt), daysInPeriod: p.daysInPeriod, daysLeft: p.daysLeft,
  credit: p.credit, charge: p.charge, tax: p.tax, total: p.total, amountDueToday: p.amountDueToday,
  nextRenewalAt: iso(p.nextRenewalAt), nextRenewalAmount: p.nextRenewalAmount, currency: p.currency,
  provider: p.provider && { ...p.provider, periodEnd: isoOrNull(p.provider.periodEnd) },
});
