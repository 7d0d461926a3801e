import { defineCapability } from '../platform/capability.ts';
import { configTopic } from '../platform/kafka/topics.ts';
import { GDPR_MESSAGE_TYPES, type GdprMessage } from './domain/messages.ts';
import type { ErasedAccounts } from './state.ts';

/** GDPR: a workspace's whole export, and its erasure (WorkspaceErased, on a topic every role follows). */
export const gdpr = defineCapability<GdprMessage, { gdpr: string }, { erased: ErasedAccounts }>({
  name: 'gdpr',
  messageTypes: GDPR_MESSAGE_TYPES,
  topicNames: (prefix) => ({ gdpr: `${prefix}gdpr` }),
  topicSpecs: (t) => [configTopic(t.gdpr)],
  state: async (t) => ({ erased: new (await import('./state.ts')).ErasedAccounts(t.gdpr) }),
  apiTags: [{ name: 'GDPR', description: "Everything the workspace owns as one JSON document, and the workspace's erasure" }],
  routes: async () => [(await import('./routes.ts')).gdprRoutes],
  projections: async () => [(await import('../../projections/gdpr/projector.ts')).gdprProjection],
});
