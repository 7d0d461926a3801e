import { defineCapability } from '../platform/capability.ts';

/** Analytics: time series and aggregates of a project's events and deliveries, a projection of the log. */
export const analytics = defineCapability<never>({
  name: 'analytics',
  messageTypes: [],
  apiTags: [{ name: 'Analytics', description: 'Time series and aggregates of the events accepted and their deliveries (counts, outcomes, throughput, latency, failures, endpoint health), bucketed by hour up to 7 days and by day beyond; a projection of the log' }],
  routes: async () => [(await import('./routes.ts')).analyticsRoutes],
  projections: async () => [(await import('../../projections/analytics/projector.ts')).analyticsProjection],
});
