/**
 * The plan catalog, as data: what each plan allows. `null` is unlimited. A hosted deployment
 * puts new accounts on `free` (MITTR_SIGNUP_PLAN=free); a self-hosted one runs them on
 * `self-hosted`, which limits nothing (the operator owns the machines).
 *
 * | plan        | messages/month | endpoint rate/s | API req/min | connectors | seats | projects | SSO | SCIM |
 * |-------------|---------------:|----------------:|------------:|-----------:|------:|---------:|-----|------|
 * | free        |         10,000 |              10 |         600 |          1 |     1 |        1 | no  | no   |
 * | growth      |      1,000,000 |             100 |       1,200 |          5 |     5 |        3 | no  | no   |
 * | scale       |     10,000,000 |           1,000 |       3,000 |         25 |    25 |       10 | yes | yes  |
 * | enterprise  |    100,000,000 |          10,000 |      12,000 |          - |     - |        - | yes | yes  |
 * | self-hosted |              - |               - |           - |          - |     - |        - | yes | yes  |
 *
 * SCIM is "Scale plan and above" (002, SCIM). Only `monthlyMessages` (POST /events, /events/batch)
 * and `endpointRateLimitPerSec` (endpoint create and update) are enforced today, with `connectors`
 * (a connector's create, counting the account's live ones: services/connectors/domain/decide.ts);
 * the others are shown by GET /entitlements for the capabilities that will enforce them.
 */
export type PlanLimits = {
  /** Messages accepted per calendar month (UTC): one EventAccepted is one message. */
  monthlyMessages: number | null;
  /** The most an endpoint's rateLimitPerSec may be (its 0, unlimited, becomes this). */
  endpointRateLimitPerSec: number | null;
  apiRequestsPerMinute: number | null;
  connectors: number | null;
  teamSeats: number | null;
  projects: number | null;
  sso: boolean;
  scim: boolean;
};

export const PLAN_IDS = ['free', 'growth', 'scale', 'enterprise', 'self-hosted'] as const;
export type PlanId = (typeof PLAN_IDS)[number];

export const PLANS: Readonly<Record<PlanId, Readonly<PlanLimits>>> = {
  'free': {
    monthlyMessages: 10_000, endpointRateLimitPerSec: 10, apiRequestsPerMinute: 600,
    connectors: 1, teamSeats: 1, projects: 1, sso: false, scim: false,
  },
  'growth': {
    monthlyMessages: 1_000_000, endpointRateLimitPerSec: 100, apiRequestsPerMinute: 1_200,
    connectors: 5, teamSeats: 5, projects: 3, sso: false, scim: false,
  },
  'scale': {
    monthlyMessages: 10_000_000, endpointRateLimitPerSec: 1_000, apiRequestsPerMinute: 3_000,
    connectors: 25, teamSeats: 25, projects: 10, sso: true, scim: true,
  },
  'enterprise': {
    monthlyMessages: 100_000_000, endpointRateLimitPerSec: 10_000, apiRequestsPerMinute: 12_000,
    connectors: null, teamSeats: null, projects: null, sso: true, scim: true,
  },
  'self-hosted': {
    monthlyMessages: null, endpointRateLimitPerSec: null, apiRequestsPerMinute: null,
    connectors: null, teamSeats: null, projects: null, sso: true, scim: true,
  },
};

export const isPlanId = (plan: string): plan is PlanId => (PLAN_IDS as readonly string[]).includes(plan);

/**
 * The limits of the plan an account records. A name the catalog does not know (a plan retired,
 * or written by a newer version) gets the free plan's limits: an unknown plan never means
 * unlimited, so a typo cannot open a hosted deployment.
 */
export function limitsOf(plan: string): Readonly<PlanLimits> {
  return isPlanId(plan) ? PLANS[plan] : PLANS.free;
}
