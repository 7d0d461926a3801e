import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { ApiContext } from '../platform/http/context.ts';
import { contract, type Operation } from '../platform/http/contract.ts';
import { browserLegs } from './browser.ts';
import { discovery, providers, Discovered, Providers } from './discovery.ts';
import { socialProviders, SOCIAL_PROVIDERS, type Pending, type SocialProvider } from './oauth.ts';
import { ssoSignIn } from './sign-in.ts';

/** The cookie carrying a login's state, PKCE verifier and nonce to its callback, sealed with the master key. */
const PENDING_COOKIE = 'mittr_sso';
const ProviderParams = Type.Object({ provider: Type.Union(SOCIAL_PROVIDERS.map((p) => Type.Literal(p))) });
const Redirect = Type.Null({ description: 'A redirect (Location): to the provider, to the dashboard with the session cookie, or to /login?error=<code>' });
const op = (summary: string, errors?: number[], description?: string): Operation => ({ tag: 'Auth', summary, access: 'public', errors, description });

/** Public SSO routes: what the login page offers, discovery by e-mail, and the Google and GitHub browser legs. */
export function ssoLoginRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const social = socialProviders(ctx.config.sso, (p) => `${ctx.config.publicUrl}/auth/sso/${p}/callback`);
  const signIn = ssoSignIn(ctx);
  const legs = browserLegs(ctx);
  const production = ctx.config.env === 'production';

  const keep = (reply: FastifyReply, pending: Pending) => reply.setCookie(PENDING_COOKIE, ctx.secrets.seal(JSON.stringify(pending)), {
    httpOnly: true, sameSite: 'lax', secure: production, path: '/auth/sso', maxAge: Math.floor((pending.expiresAt - Date.now()) / 1000),
  });
  function pendingOf(req: FastifyRequest): Pending | undefined {
    const sealed = req.cookies?.[PENDING_COOKIE];
    try { return sealed ? (JSON.parse(ctx.secrets.open(sealed)) as Pending) : undefined; } catch { return undefined; }
  }

  return async (app) => {
    app.get('/auth/providers', { schema: contract(op('The sign-in methods this deployment offers'), { response: { 200: Providers } }) },
      async () => providers(ctx));

    app.get('/auth/sso/discover', {
      schema: contract(op('The sign-in method of an e-mail\'s workspace: drives "Continue with SSO"', [], 'By the e-mail\'s domain, as a workspace\'s SSO settings claim it; an unclaimed domain answers the deployment\'s methods.'),
        { querystring: Type.Object({ email: Type.String({ maxLength: 254, minLength: 3 }) }), response: { 200: Discovered } }),
    }, async (req) => discovery(ctx, req.query.email));

    app.get('/auth/sso/:provider/login', {
      schema: contract(op('Start a Google or GitHub sign-in: redirects to the provider (state, PKCE, nonce)', [404]), { params: ProviderParams, response: { 302: Redirect } }),
    }, async (req, reply) => {
      const { url, pending } = await social.begin(req.params.provider, Date.now());
      return keep(reply, pending).redirect(url, 302);
    });

    app.get('/auth/sso/:provider/callback', {
      schema: contract(op('The provider\'s redirect back: signs in (the session cookie) or sends to /login?error=', [404]),
        { params: ProviderParams, querystring: Type.Object({ code: Type.Optional(Type.String({ maxLength: 2048 })), state: Type.Optional(Type.String({ maxLength: 512 })), error: Type.Optional(Type.String({ maxLength: 256 })) }, { additionalProperties: true }), response: { 302: Redirect } }),
    }, async (req, reply) => {
      const provider: SocialProvider = req.params.provider;
      const pending = pendingOf(req);
      reply.clearCookie(PENDING_COOKIE, { path: '/auth/sso' });
      try {
        const url = new URL(req.url, `${ctx.config.publicUrl}/`);
        const identity = await social.finish(provider, pending, new URL(`${ctx.config.publicUrl}/auth/sso/${provider}/callback${url.search}`), Date.now());
        return legs.signedIn(reply, await signIn.social(identity, req.ip));
      } catch (err) {
        return legs.failed(req, reply, err);
      }
    });
  };
}
