import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { DomainError } from '../platform/domain/errors.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { HTTP_STATUS } from '../platform/http/errors.ts';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../platform/http/json-depth.ts';
import { isUnavailable } from '../platform/failures.ts';
import { hashToken } from '../platform/security/secrets.ts';
import { planOf } from '../plans/account-plan.ts';
import { scimCommands } from './commands.ts';
import { ERROR_SCHEMA, SCIM_CONTENT_TYPE, ScimBody, scimContract, ScimObject } from './contract.ts';
import { listOf, MAX_RESULTS, serviceProviderConfig, userResourceType, userSchema } from './discovery.ts';
import { scimError } from './domain/errors.ts';
import { matches, parseFilter } from './domain/filter.ts';
import { etagOf, toResource, USER_SCHEMA, type ScimUser } from './domain/resource.ts';

declare module 'fastify' {
  interface FastifyRequest { scimAccountId: string }
}
const UserParams = Type.Object({ id: Type.String({ maxLength: 100 }) });
const ListQuery = Type.Object({
  filter: Type.Optional(Type.String({ description: 'RFC 7644 §3.4.2.2, e.g. userName eq "ada@example.com"' })),
  startIndex: Type.Optional(Type.Integer({ description: '1-based; below 1 is 1' })),
  count: Type.Optional(Type.Integer({ description: `At most ${MAX_RESULTS}; below 0 is 0 (the total only)` })),
}, { additionalProperties: true });
const IfMatch = Type.Object({ 'if-match': Type.Optional(Type.String({ description: 'meta.version (W/"<n>"): 412 when it is not the current one' })) });
const User = ScimObject('A User resource (urn:ietf:params:scim:schemas:core:2.0:User)');
const List = ScimObject('A ListResponse');

/** RFC 7644 §3.12: the error body every /scim/v2 refusal answers with. */
function sendScimError(reply: FastifyReply, status: number, detail: string, scimType?: string) {
  return reply.code(status).type(SCIM_CONTENT_TYPE).send({ schemas: [ERROR_SCHEMA], status: String(status), ...(scimType ? { scimType } : {}), detail });
}

/** The scimType a refusal names; a name reservation taken (NameReservations names its holder) is `uniqueness`. */
function scimTypeOf(err: DomainError): string | undefined {
  if (typeof err.details?.scimType === 'string') return err.details.scimType;
  if (err.code === 'CONFLICT' && typeof err.details?.scimId === 'string') return 'uniqueness';
  return err.code === 'VALIDATION_ERROR' || err.code === 'BAD_REQUEST' ? 'invalidValue' : undefined;
}

function installScimErrors(app: FastifyInstance): void {
  app.setNotFoundHandler((req, reply) => sendScimError(reply, 404, `no SCIM endpoint ${req.method} ${req.url.split('?')[0]}`));
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof DomainError) {
      return sendScimError(reply, HTTP_STATUS[err.code], err.message, scimTypeOf(err));
    }
    if (err.validation) return sendScimError(reply, 400, err.message, 'invalidValue');
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return sendScimError(reply, err.statusCode, err.message, err.statusCode === 400 ? 'invalidSyntax' : undefined);
    if (isUnavailable(err)) return sendScimError(reply.header('retry-after', '1'), 503, 'a dependency is unavailable, retry shortly');
    req.log.error({ err }, 'unhandled SCIM error');
    return sendScimError(reply, 500, 'internal error');
  });
}

/** application/scim+json (and application/json) bodies, read as JSON with the API's depth limit; an empty one is no body. */
function acceptScimJson(app: FastifyInstance): void {
  const { onProtoPoisoning = 'error', onConstructorPoisoning = 'error' } = app.initialConfig;
  const parse = app.getDefaultJsonParser(onProtoPoisoning, onConstructorPoisoning);
  // A SCIM body is JSON: text is 415 here, not a string handed to the routes.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(SCIM_CONTENT_TYPE, { parseAs: 'string' }, (req, body, done) => {
    if (body.length === 0) { done(null, undefined); return; }
    if (nestsDeeperThan(body as string)) { done(scimError('BAD_REQUEST', 'invalidSyntax', `the body nests deeper than ${MAX_JSON_DEPTH} levels`), undefined); return; }
    parse(req, body as string, done);
  });
}

/**
 * The caller: the SCIM token in `Authorization: Bearer`, one workspace's; its plan must include
 * SCIM. Every /scim/v2 read and change is that workspace's only.
 */
function authenticateScim(ctx: ApiContext) {
  return async (req: FastifyRequest) => {
    const bearer = req.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!bearer) throw scimError('UNAUTHORIZED', null, 'send Authorization: Bearer <SCIM token>');
    const token = ctx.store.state.scim.token(hashToken(bearer));
    if (!token) throw scimError('UNAUTHORIZED', null, 'the SCIM token is unknown or revoked');
    if (!planOf(ctx, token.accountId).limits.scim) throw scimError('QUOTA_EXCEEDED', null, 'the workspace\'s plan does not include SCIM provisioning (Scale and above)');
    req.scimAccountId = token.accountId;
    req.actorSlot.actor = { type: 'scim_token', id: token.tokenId, address: req.ip };
  };
}

/** /scim/v2 (RFC 7644): discovery, and the token's workspace's Users. */
export function scimRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const commands = scimCommands(ctx);
  const base = `${ctx.config.publicUrl}/scim/v2`;
  const render = (u: ScimUser) => toResource(u, base);
  const withEtag = (reply: FastifyReply, u: ScimUser) => reply.type(SCIM_CONTENT_TYPE).header('etag', etagOf(u));
  const scimTyped: FastifyPluginAsyncTypebox = async (app) => {
    installScimErrors(app);
    acceptScimJson(app);
    app.decorateRequest('scimAccountId', '');
    app.addHook('onRequest', authenticateScim(ctx));

    app.get('/ServiceProviderConfig', { schema: scimContract('What this SCIM service supports (RFC 7643 §5)', { response: { 200: ScimObject('ServiceProviderConfig') } }) }, async (_req, reply) =>
      reply.type(SCIM_CONTENT_TYPE).send(serviceProviderConfig(base)));
    app.get('/ResourceTypes', { schema: scimContract('The resource types served: User', { response: { 200: List } }) }, async (_req, reply) =>
      reply.type(SCIM_CONTENT_TYPE).send(listOf([userResourceType(base)], 1, 1)));
    app.get('/Schemas', { schema: scimContract('The User schema mittr keeps', { response: { 200: List } }) }, async (_req, reply) =>
      reply.type(SCIM_CONTENT_TYPE).send(listOf([userSchema(base)], 1, 1)));

    app.get('/ResourceTypes/:id', { schema: scimContract('One resource type (User)', { params: Type.Object({ id: Type.String({ maxLength: 200 }) }), response: { 200: ScimObject('ResourceType') } }) }, async (req, reply) => {
      if (req.params.id !== 'User') throw scimError('NOT_FOUND', null, `no resource type ${req.params.id}`);
      return reply.type(SCIM_CONTENT_TYPE).send(userResourceType(base));
    });
    app.get('/Schemas/:id', { schema: scimContract('One schema, by its URN', { params: Type.Object({ id: Type.String({ maxLength: 200 }) }), response: { 200: ScimObject('Schema') } }) }, async (req, reply) => {
      if (req.params.id !== USER_SCHEMA) throw scimError('NOT_FOUND', null, `no schema ${req.params.id}`);
      return reply.type(SCIM_CONTENT_TYPE).send(userSchema(base));
    });

    app.get('/Users', { schema: scimContract('List the workspace\'s Users: filter, startIndex, count', { querystring: ListQuery, response: { 200: List } }) }, async (req, reply) => {
      const test = req.query.filter === undefined ? () => true : matches(parseFilter(req.query.filter));
      const all = ctx.store.state.scim.usersOf(req.scimAccountId).map(render).filter(test);
      const startIndex = Math.max(1, req.query.startIndex ?? 1);
      const count = Math.min(MAX_RESULTS, Math.max(0, req.query.count ?? MAX_RESULTS));
      return reply.type(SCIM_CONTENT_TYPE).send(listOf(all.slice(startIndex - 1, startIndex - 1 + count), all.length, startIndex));
    });
    app.post('/Users', { schema: scimContract('Provision a User: a member of the workspace, no invitation mailed', { body: ScimBody, response: { 201: User } }, [409]) }, async (req, reply) => {
      const user = await commands.provision(req.scimAccountId, req.body);
      return withEtag(reply, user).code(201).header('location', `${base}/Users/${user.scimId}`).send(render(user));
    });
    app.get('/Users/:id', { schema: scimContract('One User', { params: UserParams, response: { 200: User } }) }, async (req, reply) => {
      const user = ctx.store.state.scim.user(req.scimAccountId, req.params.id);
      if (!user) throw scimError('NOT_FOUND', null, `User ${req.params.id} not found`);
      return withEtag(reply, user).send(render(user));
    });
    app.put('/Users/:id', { schema: scimContract('Replace a User (If-Match: 412 on a stale version)', { params: UserParams, headers: IfMatch, body: ScimBody, response: { 200: User } }, [409, 412]) }, async (req, reply) => {
      const user = await commands.replace(req.scimAccountId, req.params.id, req.body, req.headers['if-match']);
      return withEtag(reply, user).send(render(user));
    });
    app.patch('/Users/:id', { schema: scimContract('Patch a User (PatchOp add/replace/remove); active=false ends their access at once', { params: UserParams, headers: IfMatch, body: ScimBody, response: { 200: User } }, [409, 412]) }, async (req, reply) => {
      const user = await commands.patch(req.scimAccountId, req.params.id, req.body, req.headers['if-match']);
      return withEtag(reply, user).send(render(user));
    });
    app.delete('/Users/:id', { schema: scimContract('Delete a User: their membership ends; their mittr login stays', { params: UserParams, headers: IfMatch, response: { 204: Type.Null({ description: 'No content' }) } }, [412, 415]) }, async (req, reply) => {
      await commands.remove(req.scimAccountId, req.params.id, req.headers['if-match']);
      return reply.code(204).send(null);
    });
  };
  return async (app) => { await app.register(scimTyped, { prefix: '/scim/v2' }); };
}
