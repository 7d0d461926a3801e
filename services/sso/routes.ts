import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { ApiContext } from '../platform/http/context.ts';
import { contract, DateTime, NoContent, RoleSchema, type Operation } from '../platform/http/contract.ts';
import { DomainError } from '../platform/domain/errors.ts';
import { readYourWrites } from '../platform/http/read-your-writes.ts';
import { ssoSettingsOf } from '../../projections/sso/queries.ts';
import { ssoCommands } from './commands.ts';
import type { SsoSettings } from './domain/settings.ts';
import { spUrls } from './saml.ts';

const SettingsBody = Type.Object({
  slug: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$', default: 'saml', description: 'The last segment of the SAML URLs' }),
  idpMetadata: Type.Optional(Type.String({ maxLength: 262_144, description: 'The IdP\'s SAML metadata XML: its entity id, SSO URL and signing certificates are read from it (the fields below, when given, win)' })),
  idpEntityId: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'The IdP\'s entity id (Issuer of its responses)' })),
  idpSsoUrl: Type.Optional(Type.String({ format: 'uri', maxLength: 2048, description: 'The IdP\'s single sign-on URL (HTTP-Redirect binding)' })),
  idpCertificates: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 16_384 }), { minItems: 1, maxItems: 4, description: 'The IdP\'s signing certificates, PEM or base64 DER (public parts only)' })),
  allowedDomains: Type.Array(Type.String({ maxLength: 253 }), { maxItems: 50, description: 'E-mail domains this workspace claims (each by one workspace at a time)' }),
  enforced: Type.Boolean({ default: false, description: 'Members with an e-mail of the allowed domains sign in through this IdP only: their password and Google/GitHub sign-ins are refused (SSO_REQUIRED)' }),
  provisioning: Type.Boolean({ default: true, description: 'A verified e-mail of an allowed domain becomes a member on first sign-in' }),
  defaultRole: Type.Optional(RoleSchema),
});
const { idpMetadata: _metadata, ...settingsFields } = SettingsBody.properties;
const Settings = Type.Object({
  ...settingsFields,
  idpEntityId: Type.String(), idpSsoUrl: Type.String(), idpCertificates: Type.Array(Type.String()),
  defaultRole: RoleSchema,
  version: Type.Integer(),
  sp: Type.Object({ entityId: Type.String(), acsUrl: Type.String(), metadataUrl: Type.String(), loginUrl: Type.String() }, { description: 'What to give the IdP' }),
  createdAt: DateTime, updatedAt: DateTime,
});
const op = (summary: string, write: boolean, errors?: number[]): Operation =>
  ({ tag: 'SSO', summary, access: { scope: write ? 'sso:write' : 'sso:read', role: 'admin' }, errors });

/** Admin routes of the workspace's SSO settings (SAML IdP, domains, enforcement): commands append events, the read is the read model. */
export function ssoSettingsRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const { configure, remove } = ssoCommands(ctx);
  const view = (s: SsoSettings): Static<typeof Settings> => {
    const urls = spUrls(ctx.config.publicUrl, s);
    return {
      slug: s.slug, idpEntityId: s.idpEntityId, idpSsoUrl: s.idpSsoUrl, idpCertificates: s.idpCertificates, allowedDomains: s.allowedDomains,
      enforced: s.enforced, provisioning: s.provisioning, defaultRole: s.defaultRole, version: s.version,
      sp: { entityId: urls.entityId, acsUrl: urls.acs, metadataUrl: urls.entityId, loginUrl: urls.login },
      createdAt: new Date(s.createdAt).toISOString(), updatedAt: new Date(s.updatedAt).toISOString(),
    };
  };

  return async (app) => {
    app.get('/sso/saml', { schema: contract(op('The workspace\'s SAML settings', false), { response: { 200: Settings } }) }, async (req) => {
      const s = await readYourWrites(ctx, req.principal.accountId, () => ssoSettingsOf(ctx.db, req.principal.accountId));
      if (!s) throw new DomainError('NOT_FOUND', 'this workspace has no SSO settings');
      return view(s);
    });

    app.put('/sso/saml', { schema: contract(op('Configure the workspace\'s SAML IdP (its metadata, or entity id, SSO URL and certificate), its e-mail domains and enforcement', true, [409]), { body: SettingsBody, response: { 200: Settings } }) },
    async (req) => view(await configure(req.principal.accountId, req.body)));

    app.delete('/sso/saml', { schema: contract(op('Remove the workspace\'s SSO settings: its domains are freed, password sign-in works again', true), { response: { 204: NoContent } }) }, async (req, reply) => {
      await remove(req.principal.accountId);
      return reply.code(204).send(null);
    });
  };
}
