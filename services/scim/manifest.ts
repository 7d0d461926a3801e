import { defineCapability } from '../platform/capability.ts';
import { configTopic } from '../platform/kafka/topics.ts';
import { SCIM_MESSAGE_TYPES, type ScimMessage } from './domain/messages.ts';
import type { ScimState } from './state.ts';
import { scimErrorDialect } from './error-body.ts';

/** SCIM 2.0 provisioning (RFC 7643/7644) at /scim/v2, and the bearer tokens an admin issues for it under /api/v1/scim/tokens. */
export const scim = defineCapability<ScimMessage, { scim: string }, { scim: ScimState }>({
  name: 'scim',
  messageTypes: SCIM_MESSAGE_TYPES,
  topicNames: (prefix) => ({ scim: `${prefix}scim` }),
  topicSpecs: (t) => [configTopic(t.scim)],
  state: async (t) => ({ scim: new (await import('./state.ts')).ScimState(t.scim) }),
  publicRoutes: async () => [(await import('./routes.ts')).scimRoutes],
  apiTags: [
    { name: 'SCIM', description: 'SCIM 2.0 provisioning for identity providers (Okta, Azure AD, JumpCloud): Authorization: Bearer <SCIM token>' },
    { name: 'SCIM tokens', description: 'The bearer tokens an identity provider provisions a workspace with (Scale plan and above)' },
  ],
  errorDialects: [scimErrorDialect],
  routes: async () => [(await import('./token-routes.ts')).scimTokenRoutes],
});
