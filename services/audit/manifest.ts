import { defineCapability } from '../platform/capability.ts';

/** The audit log: a read model of the workspace's changes (accounts, endpoints, event types), each with its actor. */
export const audit = defineCapability<never>({
  name: 'audit',
  messageTypes: [],
  apiTags: [{ name: 'Audit', description: 'Who changed what, when: a projection of the log' }],
  routes: async () => [(await import('./routes.ts')).auditRoutes],
  projections: async () => [(await import('../../projections/audit/projector.ts')).auditProjection],
});
