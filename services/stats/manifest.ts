import { defineCapability } from '../platform/capability.ts';

/**
 * Stats: a snapshot of a project's queues (GET /stats, and pushed every second over the
 * WebSocket GET /stats/ws) from the events read model, with the deployment's consumer and
 * projection lag; and the rate limits of its endpoints as the engines spend them now
 * (GET /metrics/rate-limits). It writes no events and keeps no read model.
 */
export const stats = defineCapability<never>({
  name: 'stats',
  messageTypes: [],
  apiTags: [{ name: 'Stats', description: 'Queue statistics of a project and the deployment\'s lag' }],
  routes: async () => [(await import('./routes.ts')).statsRoutes, (await import('./stream.ts')).statsStreamRoutes, (await import('./rate-limits.ts')).rateLimitRoutes],
});
