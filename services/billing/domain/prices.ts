import type { PlanId } from '../../plans/domain/catalog.ts';

export const CYCLES = ['monthly', 'annual'] as const;
export type Cycle = (typeof CYCLES)[number];
export const isCycle = (c: string): c is Cycle => (CYCLES as readonly string[]).includes(c);

/**
 * What each plan costs, in cents (USD), per cycle. The plan catalog (services/plans) says what a
 * plan allows; this says what it costs. 002 names no prices, so these are the defaults of this
 * deployment: annual is ten months' price. `null` is not sold self-serve (enterprise is a contract,
 * self-hosted is the operator's own), so checkout and an update to it are refused.
 */
export const PRICES: Readonly<Record<PlanId, Readonly<Record<Cycle, number>> | null>> = {
  'free': { monthly: 0, annual: 0 },
  'growth': { monthly: 4_900, annual: 49_000 },
  'scale': { monthly: 24_900, annual: 249_000 },
  'enterprise': null,
  'self-hosted': null,
};

/** The order of plans from least to most: an upgrade moves right. */
export const PLAN_RANK: Readonly<Record<PlanId, number>> = { 'free': 0, 'growth': 1, 'scale': 2, 'enterprise': 3, 'self-hosted': 4 };

export const isSellable = (plan: PlanId): boolean => PRICES[plan] !== null;

/** The price of a plan for one cycle; a plan not sold self-serve costs nothing here (never charged). */
export const priceOf = (plan: PlanId, cycle: Cycle): number => PRICES[plan]?.[cycle] ?? 0;
