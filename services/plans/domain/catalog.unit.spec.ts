import { describe, expect, it } from 'vitest';
import { limitsOf, PLAN_IDS, PLANS, type PlanLimits } from './catalog.ts';

const ordered = ['free', 'growth', 'scale', 'enterprise', 'self-hosted'] as const;
/** null is unlimited: more than any number. */
const atLeast = (a: number | null, b: number | null) => a === null || (b !== null && a >= b);
const numeric = ['monthlyMessages', 'endpointRateLimitPerSec', 'apiRequestsPerMinute', 'connectors', 'teamSeats', 'projects'] as const satisfies readonly (keyof PlanLimits)[];

describe('the plan catalog', () => {
  it('given the catalog, then it holds the five plans, free at 10,000 messages a month', () => {
    expect([...PLAN_IDS]).toEqual([...ordered]);
    expect(PLANS.free).toMatchObject({ monthlyMessages: 10_000, endpointRateLimitPerSec: 10, sso: false, scim: false });
  });

  it('given each plan and the next one up, then the next allows at least as much of every limit', () => {
    for (let i = 1; i < ordered.length; i++) {
      const [lower, upper] = [PLANS[ordered[i - 1]!], PLANS[ordered[i]!]];
      for (const limit of numeric) expect(atLeast(upper[limit], lower[limit]), `${ordered[i]}.${limit}`).toBe(true);
      expect(Number(upper.sso) >= Number(lower.sso) && Number(upper.scim) >= Number(lower.scim)).toBe(true);
    }
  });

  it('given self-hosted, then nothing is limited', () => {
    for (const limit of numeric) expect(PLANS['self-hosted'][limit]).toBeNull();
    expect(PLANS['self-hosted']).toMatchObject({ sso: true, scim: true });
  });

  it('given SCIM, then it comes with Scale and above (002)', () => {
    expect(ordered.filter((p) => PLANS[p].scim)).toEqual(['scale', 'enterprise', 'self-hosted']);
  });

  it('given a plan name the catalog does not know, then it gets the free limits, never unlimited', () => {
    expect(limitsOf('growth')).toBe(PLANS.growth);
    expect(limitsOf('platinum')).toBe(PLANS.free);
    expect(limitsOf('')).toBe(PLANS.free);
  });
});
