import { defineCapability } from '../platform/capability.ts';

/**
 * Plans: the catalog of limits (domain/catalog.ts), the monthly message quota of POST /events
 * (quota.ts, over usage counted from the log), the endpoint rate cap, GET /entitlements,
 * GET /egress-ips and GET /usage (messages and delivery attempts per month, two read models of
 * the log). It writes no events of its own: an account's plan is in its AccountCreated.
 */
export const plans = defineCapability<never>({
  name: 'plans',
  messageTypes: [],
  apiTags: [{ name: 'Plans', description: 'The plan, its limits and the usage counted against them' }],
  routes: async () => [(await import('./routes.ts')).planRoutes, (await import('./usage-routes.ts')).usageRoutes],
  projections: async () => [
    (await import('../../projections/usage/projector.ts')).usageProjection,
    (await import('../../projections/usage/attempts-projector.ts')).usageAttemptsProjection,
  ],
});
