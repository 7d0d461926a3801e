import { defineCapability } from '../platform/capability.ts';
import { configTopic } from '../platform/kafka/topics.ts';
import { SSO_MESSAGE_TYPES, type SsoMessage } from './domain/messages.ts';
import type { SsoState } from './state.ts';

/** Single sign-on: Google (OIDC), GitHub (OAuth 2) and each workspace's SAML 2.0 IdP, discovery and enforcement. */
export const sso = defineCapability<SsoMessage, { sso: string }, { sso: SsoState }>({
  name: 'sso',
  messageTypes: SSO_MESSAGE_TYPES,
  topicNames: (prefix) => ({ sso: `${prefix}sso` }),
  topicSpecs: (t) => [configTopic(t.sso)],
  state: async (t) => ({ sso: new (await import('./state.ts')).SsoState(t.sso) }),
  publicRoutes: async () => {
    const [login, saml] = await Promise.all([import('./login-routes.ts'), import('./saml-routes.ts')]);
    return [login.ssoLoginRoutes, saml.samlRoutes];
  },
  apiTags: [{ name: 'SSO', description: 'Single sign-on: the workspace\'s SAML identity provider, its e-mail domains, enforcement' }],
  routes: async () => [(await import('./routes.ts')).ssoSettingsRoutes],
  projections: async () => [(await import('../../projections/sso/projector.ts')).ssoSettingsProjection],
});
