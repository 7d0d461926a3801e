import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { ApiContext } from '../platform/http/context.ts';
import { scimCommands } from './commands.ts';
import { SCIM_CONTENT_TYPE, ScimBody, scimContract, ScimObject } from './contract.ts';
import { acceptScimJson, authenticateScim, installScimErrors } from './http.ts';
import { listOf, MAX_RESULTS, serviceProviderConfig, userResourceType, userSchema } from './discovery.ts';
import { scimError } from './domain/errors.ts';
import { matches, parseFilter } from './domain/filter.ts';
import { etagOf, toResource, USER_SCHEMA, type ScimUser } from './domain/resource.ts';

const UserParams = Type.Object({ id: Type.String({ maxLength: 100 }) });
const ListQuery = Type.Object({
  filter: Type.Optional(Type.String({ description: 'RFC 7644 §3.4.2.2, e.g. userName eq "ada@example.com"' })),
  startIndex: Type.Optional(Type.Integer({ description: '1-based; below 1 is 1' })),
  count: Type.Optional(Type.Integer({ description: `At most ${MAX_RESULTS}; below 0 is 0 (the total only)` })),
}, { additionalProperties: true });
const IfMatch = Type.Object({ 'if-match': Type.Optional(Type.String({ description: 'meta.version (W/"<n>"): 412 when it is not the current one' })) });
const User = ScimObject('A User resource (urn:ietf:params:scim:schemas:core:2.0:User)');
const List = ScimObject('A ListResponse');

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
