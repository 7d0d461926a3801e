import { DomainError } from '../../platform/domain/errors.ts';
import { isPlanId, type PlanId } from '../../plans/domain/catalog.ts';
import { isCycle, type Cycle } from '../domain/prices.ts';

/** The plans sold through Stripe and the cycles they are sold in, as Stripe price ids (`price_...`) from configuration. */
export type StripePlan = 'growth' | 'scale';
export type StripePrices = Readonly<Record<StripePlan, Readonly<Record<Cycle, string>>>>;

/** The Stripe price of a plan and cycle; a plan not sold through Stripe (free, enterprise, self-hosted) has none. */
export function priceIdOf(prices: StripePrices, planId: PlanId, cycle: Cycle): string {
  const price = planId === 'growth' || planId === 'scale' ? prices[planId][cycle] : undefined;
  if (price === undefined || price === '') throw new DomainError('VALIDATION_ERROR', `plan ${planId} (${cycle}) is not sold through Stripe`);
  return price;
}

export type PlanAndCycle = { planId: PlanId | null; cycle: Cycle | null };

/** The configured map read backwards: which plan and cycle a Stripe price id is. */
export function planOfPrice(prices: StripePrices, priceId: string | null | undefined): PlanAndCycle | undefined {
  if (!priceId) return undefined;
  for (const planId of ['growth', 'scale'] as const) {
    for (const cycle of ['monthly', 'annual'] as const) {
      if (prices[planId][cycle] === priceId) return { planId, cycle };
    }
  }
  return undefined;
}

/**
 * The plan and cycle an object is on: its price when that is one of ours, else the metadata
 * mittr put on the checkout session and the subscription (a price changed in the dashboard to
 * one this deployment does not know still says what was bought), else unknown (both null).
 */
export function planOf(prices: StripePrices, priceId: string | null | undefined, metadata: unknown): PlanAndCycle {
  const byPrice = planOfPrice(prices, priceId);
  if (byPrice) return byPrice;
  const meta = typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>) : {};
  const planId = typeof meta.planId === 'string' && isPlanId(meta.planId) ? meta.planId : null;
  const cycle = typeof meta.cycle === 'string' && isCycle(meta.cycle) ? meta.cycle : null;
  return planId !== null && cycle !== null ? { planId, cycle } : { planId: null, cycle: null };
}
