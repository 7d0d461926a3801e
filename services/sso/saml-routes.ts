import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { z } from 'zod';
import { DomainError } from '../platform/domain/errors.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { contract, type Operation } from '../platform/http/contract.ts';
import { browserLegs } from './browser.ts';
import type { SsoSettings } from './domain/settings.ts';
import { samlProviders } from './saml.ts';
import { ssoSignIn } from './sign-in.ts';

const FORM = 'application/x-www-form-urlencoded';
const Params = Type.Object({
  clientID: Type.String({ maxLength: 64, description: 'The workspace\'s id' }),
  slug: Type.String({ maxLength: 63, description: 'The connection\'s slug, as its SSO settings name it' }),
});
const Redirect = Type.Null({ description: 'A redirect (Location): to the IdP, to the dashboard with the session cookie, or to /login?error=<code>' });
const op = (summary: string, errors?: number[]): Operation => ({ tag: 'Auth', summary, access: 'public', errors });
const uuid = z.uuid();

/** Public SAML 2.0 routes of each workspace's connection: login (to the IdP), SP metadata, and the assertion consumer (HTTP-POST). */
export function samlRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const saml = samlProviders(ctx.db, () => ctx.config.publicUrl);
  const signIn = ssoSignIn(ctx);
  const legs = browserLegs(ctx);

  /** The workspace's live connection of that slug; anything else is not found. */
  function connection(p: { clientID: string; slug: string }): SsoSettings {
    const s = uuid.safeParse(p.clientID).success ? ctx.store.state.sso.live(p.clientID) : undefined;
    if (!s || s.slug !== p.slug) throw new DomainError('NOT_FOUND', 'no such SAML connection');
    return s;
  }

  return async (app) => {
    // The IdP posts its answer as a form (HTTP-POST binding); only this room's routes read forms.
    app.addContentTypeParser(FORM, { parseAs: 'string', bodyLimit: 262_144 }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });

    app.get('/auth/sso/saml/:clientID/:slug/login', {
      schema: contract(op('Start a sign-in through the workspace\'s SAML IdP: redirects with an AuthnRequest'), { params: Params, response: { 302: Redirect } }),
    }, async (req, reply) => reply.redirect(await saml.loginUrl(connection(req.params)), 302));

    app.get('/auth/sso/saml/:clientID/:slug/metadata', {
      schema: contract(op('The service provider\'s SAML metadata (XML) to give the IdP: entity id, ACS URL'), {
        params: Params, response: { 200: Type.String({ description: 'SAML 2.0 EntityDescriptor (application/samlmetadata+xml)' }) },
      }),
    }, async (req, reply) => reply.type('application/samlmetadata+xml').send(saml.metadata(connection(req.params))));

    app.post('/auth/sso/saml/:clientID/:slug/acs', {
      schema: contract(op('The assertion consumer: the IdP\'s signed response, posted by the browser; signs in or sends to /login?error='), {
        consumes: [FORM], params: Params,
        body: Type.Object({ SAMLResponse: Type.String({ maxLength: 200_000 }), RelayState: Type.Optional(Type.String({ maxLength: 1024 })) }),
        response: { 302: Redirect },
      }),
    }, async (req, reply) => {
      const s = connection(req.params);
      try {
        const identity = await saml.consume(s, req.body.SAMLResponse);
        return legs.signedIn(reply, await signIn.saml(identity, s, req.ip));
      } catch (err) {
        return legs.failed(req, reply, err);
      }
    });
  };
}
