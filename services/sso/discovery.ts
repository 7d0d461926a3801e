import { Type, type Static } from 'typebox';
import { normalizeEmail } from '../accounts/domain/decide.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { domainOf } from './domain/settings.ts';
import { SOCIAL_PROVIDERS } from './oauth.ts';

const Method = Type.Object({
  id: Type.Union([Type.Literal('password'), Type.Literal('google'), Type.Literal('github'), Type.Literal('saml')]),
  loginUrl: Type.Union([Type.String(), Type.Null()], { description: 'Where the browser goes to sign in this way; null for password (POST /auth/login) and for SAML, whose URL is per workspace (discovery)' }),
});
export const Providers = Type.Object({ methods: Type.Array(Method) });
export const Discovered = Type.Object({
  domain: Type.String(),
  method: Type.Union([Type.Literal('saml'), Type.Literal('default')], { description: 'saml: the workspace claiming the domain signs in through its IdP; default: any of `methods`' }),
  enforced: Type.Boolean({ description: 'Password and social sign-ins are refused for the workspace\'s members' }),
  loginUrl: Type.Union([Type.String(), Type.Null()]),
  workspace: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()]),
  methods: Type.Array(Method),
});

/** The sign-in methods of this deployment: password always, Google and GitHub when configured, SAML per workspace. */
export function providers(ctx: ApiContext): Static<typeof Providers> {
  const social = SOCIAL_PROVIDERS.filter((p) => ctx.config.sso[p] !== undefined).map((p) => ({ id: p, loginUrl: `/auth/sso/${p}/login` }));
  return { methods: [{ id: 'password', loginUrl: null }, ...social, { id: 'saml', loginUrl: null }] };
}

/**
 * The method for an e-mail, by its domain: the SAML login of the workspace claiming it, or the
 * deployment's methods. It tells whether a domain has SSO (which the login page must know), never
 * whether the e-mail has an account.
 */
export function discovery(ctx: ApiContext, email: string): Static<typeof Discovered> {
  const domain = domainOf(normalizeEmail(email)) ?? '';
  const s = domain ? ctx.store.state.sso.claiming(domain) : undefined;
  const all = providers(ctx).methods;
  if (!s) return { domain, method: 'default', enforced: false, loginUrl: null, workspace: null, methods: all };
  const account = ctx.store.state.accounts.get(s.accountId);
  const loginUrl = `/auth/sso/saml/${s.accountId}/${s.slug}/login`;
  return {
    domain, method: 'saml', enforced: s.enforced, loginUrl, workspace: { id: s.accountId, name: account?.companyName ?? '' },
    methods: s.enforced ? [{ id: 'saml', loginUrl }] : [...all.filter((m) => m.id !== 'saml'), { id: 'saml', loginUrl }],
  };
}
