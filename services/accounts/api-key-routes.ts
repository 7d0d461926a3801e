import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { keyView, listKeys } from '../../projections/accounts/queries.ts';
import { DomainError } from '../platform/domain/errors.ts';
import { SCOPES } from '../platform/domain/scopes.ts';
import { contract, DateTime, NoContent, Nullable, type Operation } from '../platform/http/contract.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { Page } from '../platform/http/page.ts';
import { readYourWrites } from '../platform/http/read-your-writes.ts';
import { accountCommands } from './commands.ts';
import { MAX_RATE_LIMIT } from './domain/api-keys.ts';

const Scope = Type.String({ enum: [...SCOPES] as never, description: 'events:write, endpoints:read, ... or * for every scope' });
const CreateBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  scopes: Type.Optional(Type.Array(Scope, { minItems: 1, maxItems: 50, description: 'What the key may do; every scope when absent' })),
  rateLimit: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: MAX_RATE_LIMIT, description: 'Requests per minute' }))),
  expiresAt: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
  projectId: Type.Optional(Nullable(Type.String({ description: 'The one project the key may reach; any of the workspace\'s when absent' }))),
});
const ApiKey = Type.Object({
  id: Type.String(), name: Type.String(), keyPrefix: Type.String(), scopes: Type.Array(Type.String()),
  rateLimit: Nullable(Type.Integer()), expiresAt: Nullable(DateTime), projectId: Nullable(Type.String()), isActive: Type.Boolean(), revokedAt: Nullable(DateTime), createdAt: DateTime,
});
const Created = Type.Object({ ...ApiKey.properties, key: Type.String({ description: 'The key itself: shown this once, never again' }) });
const ListQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })), cursor: Type.Optional(Type.String({ maxLength: 200 })) });
const IdParams = Type.Object({ id: Type.String() });
/** Keys open the account: managing them is an admin's. */
const op = (summary: string, scope: 'api-keys:read' | 'api-keys:write', errors?: number[]): Operation =>
  ({ tag: 'API keys', summary, access: { scope, role: 'admin' }, errors });

/** API keys: issued with scopes, listed without the key, revoked. */
export function apiKeyRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const { createKey, revokeKey } = accountCommands(ctx);
  return async (app) => {
    app.post('/api-keys', { schema: contract(op('Issue an API key with scopes; the key is answered once', 'api-keys:write'), { body: CreateBody, response: { 201: Created } }) }, async (req, reply) => {
      const { event, key } = await createKey(req.principal.accountId, req.body, req.credential.userId);
      const view = keyView({
        id: event.keyId, name: event.name, prefix: event.prefix, scopes: event.scopes, rate_limit: event.rateLimit,
        expires_at: event.expiresAt, revoked_at: null, created_at: event.createdAt, project_id: event.projectId,
      });
      return reply.code(201).send({ ...view, key });
    });

    app.get('/api-keys', { schema: contract(op('List the account\'s API keys (never the keys themselves)', 'api-keys:read'), { querystring: ListQuery, response: { 200: Page(ApiKey) } }) }, async (req) => {
      const { accountId } = req.principal;
      // The list shows this process's own key changes (each is remembered under the account).
      const page = await readYourWrites(ctx, accountId, () => listKeys(ctx.db, accountId, { limit: req.query.limit ?? 20, cursor: req.query.cursor }));
      if (!page) throw new DomainError('VALIDATION_ERROR', 'invalid cursor');
      return page;
    });

    app.delete('/api-keys/:id', { schema: contract(op('Revoke an API key: every API process refuses it within a second', 'api-keys:write', [409]), { params: IdParams, response: { 204: NoContent } }) }, async (req, reply) => {
      await revokeKey(req.principal.accountId, req.params.id);
      return reply.code(204).send(null);
    });
  };
}
