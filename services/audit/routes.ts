import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { auditLog } from '../../projections/audit/queries.ts';
import { DomainError } from '../platform/domain/errors.ts';
import { contract, DateTime, Nullable } from '../platform/http/contract.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { Page } from '../platform/http/page.ts';
import { readYourWrites } from '../platform/http/read-your-writes.ts';
import { decodeCursorOf } from '../platform/postgres/pagination.ts';

const Query = Type.Object({
  resource: Type.Optional(Type.String({ maxLength: 50, description: 'endpoint, event_type, inbound_endpoint, account, api_key, member, invitation, project, sso, event (edits and replays), scim_token, scim_user, sub_account, portal_session, subscription' })),
  action: Type.Optional(Type.String({ maxLength: 100, description: 'e.g. endpoint.updated, api_key.revoked' })),
  actor: Type.Optional(Type.String({ maxLength: 100, description: 'A user id or an API key id' })),
  from: Type.Optional(DateTime),
  to: Type.Optional(DateTime),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  cursor: Type.Optional(Type.String({ maxLength: 400 })),
});
const Line = Type.Object({
  id: Type.String(), at: DateTime, resource: Type.String(), resourceId: Type.String(), action: Type.String(),
  actor: Nullable(Type.Object({ type: Type.String(), id: Nullable(Type.String()), address: Nullable(Type.String()) })),
  before: Type.Unknown({ description: 'The configuration before the change, where it has one' }),
  after: Type.Unknown({ description: 'The configuration after the change, where it has one' }),
});

/** GET /api/v1/audit-logs: who changed what in the workspace, when, from where; a projection of the log. */
export function auditRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/audit-logs', {
      schema: contract({ tag: 'Audit', summary: 'The workspace\'s audit log: every change with its actor, newest first', access: { scope: 'audit-logs:read', role: 'admin' } },
        { querystring: Query, response: { 200: Page(Line) } }),
    }, async (req) => {
      const q = req.query;
      const after = q.cursor === undefined ? undefined : decodeCursorOf(q.cursor, (id) => id.length <= 300);
      if (after === null) throw new DomainError('VALIDATION_ERROR', 'invalid cursor');
      const { accountId } = req.principal;
      // The log shows a change once its projector has passed it; a read waits for the caller's own
      // account changes (read-your-writes), not for those of every read model.
      return (await readYourWrites(ctx, accountId, () => auditLog(ctx.db, accountId, {
        resource: q.resource, action: q.action, actor: q.actor, from: q.from ? Date.parse(q.from) : undefined, to: q.to ? Date.parse(q.to) : undefined,
        limit: q.limit ?? 50, after,
      })))!;
    });
  };
}
