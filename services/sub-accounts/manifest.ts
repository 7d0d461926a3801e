import { defineCapability } from '../platform/capability.ts';
import { configTopic } from '../platform/kafka/topics.ts';
import { SUB_ACCOUNT_MESSAGE_TYPES, type SubAccountMessage } from './domain/messages.ts';
import type { SubAccountsState } from './state.ts';

/**
 * Sub-accounts: the workspace's customers, each with its own endpoints and events, and the
 * embedded portal's sessions (/api/v1/sub-accounts) and runtime API (/sub-account-api).
 */
export const subAccounts = defineCapability<SubAccountMessage, { subAccounts: string }, { subAccounts: SubAccountsState }>({
  name: 'sub-accounts',
  messageTypes: SUB_ACCOUNT_MESSAGE_TYPES,
  topicNames: (prefix) => ({ subAccounts: `${prefix}sub-accounts` }),
  topicSpecs: (t) => [configTopic(t.subAccounts)],
  state: async (t) => ({ subAccounts: new (await import('./state.ts')).SubAccountsState(t.subAccounts) }),
  apiTags: [
    { name: 'Sub-accounts', description: 'The workspace\'s customers: each has its own endpoints, events and embedded portal sessions' },
    { name: 'Sub-account runtime', description: 'The embedded portal\'s API: Authorization: Bearer <portal session token>, scoped to one sub-account' },
  ],
  routes: async () => [(await import('./routes.ts')).subAccountRoutes, (await import('./session-routes.ts')).portalSessionRoutes],
  publicRoutes: async () => [(await import('./runtime-routes.ts')).subAccountRuntimeRoutes],
  projections: async () => [(await import('../../projections/sub-accounts/projector.ts')).subAccountsProjection],
});
