import type { PlanLimits } from './catalog.ts';

/** What an API answer says when the plan changed what the caller asked for. */
export type PlanNotice = { code: 'PLAN_LIMIT_APPLIED'; field: 'rateLimitPerSec'; requested: number; applied: number; message: string };

/**
 * An endpoint's rateLimitPerSec under the plan's cap. 0 means unlimited in an endpoint's
 * configuration, and unlimited is above any cap: under a capped plan, 0 becomes the cap (the
 * engine then paces the endpoint at the plan's rate). Without a cap (`null`) nothing changes.
 * Pure: answers the rate to keep and, when it differs from the asked one, the notice saying so.
 */
export function capEndpointRate(limits: Pick<PlanLimits, 'endpointRateLimitPerSec'>, plan: string, requested: number): { rate: number; notice: PlanNotice | null } {
  const cap = limits.endpointRateLimitPerSec;
  if (cap === null || (requested > 0 && requested <= cap)) return { rate: requested, notice: null };
  const asked = requested === 0 ? 'rateLimitPerSec 0 (unlimited)' : `rateLimitPerSec ${requested}`;
  return {
    rate: cap,
    notice: { code: 'PLAN_LIMIT_APPLIED', field: 'rateLimitPerSec', requested, applied: cap, message: `${asked} is above the ${plan} plan's ${cap}/s: set to ${cap}` },
  };
}
