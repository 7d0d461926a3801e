import { defineCapability } from '../platform/capability.ts';
import { configTopic } from '../platform/kafka/topics.ts';
import { ACCOUNT_MESSAGE_TYPES, type AccountMessage } from './domain/messages.ts';
import type { AccountsState } from './state.ts';

/** Accounts, their API keys and their global signing secret. */
export const accounts = defineCapability<AccountMessage, { accounts: string }, { accounts: AccountsState }>({
  name: 'accounts',
  messageTypes: ACCOUNT_MESSAGE_TYPES,
  topicNames: (prefix) => ({ accounts: `${prefix}accounts` }),
  topicSpecs: (t) => [configTopic(t.accounts)],
  state: async (t) => ({ accounts: new (await import('./state.ts')).AccountsState(t.accounts) }),
  publicRoutes: async () => [(await import('./routes.ts')).authRoutes, (await import('./session-routes.ts')).sessionRoutes, (await import('./email-routes.ts')).emailRoutes],
  apiTags: [
    { name: 'Auth', description: 'Opening an account, logging in, sessions, e-mail links' },
    { name: 'Account', description: "The caller's account and its global signing secret" },
    { name: 'API keys', description: 'Keys with scopes: what each may do, where, until when' },
    { name: 'Team', description: 'Members, their roles, invitations' },
    { name: 'Projects', description: 'Every resource belongs to a project; X-Project-ID picks one' },
  ],
  routes: async () => [(await import('./me-routes.ts')).meRoutes, (await import('./api-key-routes.ts')).apiKeyRoutes, (await import('./team-routes.ts')).teamRoutes,
    (await import('./project-routes.ts')).projectRoutes],
  projections: async () => [(await import('../../projections/accounts/projector.ts')).accountsProjection],
});
