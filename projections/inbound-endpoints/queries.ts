import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import type { InboundState } from '../../services/inbound/domain/evolve.ts';
import { afterCursor, decodeCursor, toPage } from '../../services/platform/postgres/pagination.ts';
import type { Scope } from '../events/queries.ts';

const stateRow = z.object({ state: z.unknown(), created_at: z.number(), id: z.string() });

const scoped = (scope: Scope) => [
  sql.fragment`account_id = ${scope.accountId}`, sql.fragment`project_id = ${scope.projectId}`, sql.fragment`NOT deleted`,
];

export async function getInboundEndpoint(db: DatabasePool, scope: Scope, id: string): Promise<InboundState | null> {
  const row = await db.maybeOne(sql.type(stateRow)`
    SELECT id, state, created_at FROM inbound_endpoints WHERE id = ${id} AND ${sql.join(scoped(scope), sql.fragment` AND `)}`);
  return row ? (row.state as InboundState) : null;
}

/** Newest first, `{data, pagination: {hasMore, cursor}}` of `view`s; null for a cursor that is not ours. */
export async function listInboundEndpoints<V>(db: DatabasePool, scope: Scope, q: { limit: number; cursor?: string }, view: (s: InboundState) => V) {
  const after = q.cursor ? decodeCursor(q.cursor) : undefined;
  if (after === null) return null;
  const conds = scoped(scope);
  if (after) conds.push(afterCursor(after));
  const rows = await db.any(sql.type(stateRow)`
    SELECT id, state, created_at FROM inbound_endpoints WHERE ${sql.join(conds, sql.fragment` AND `)}
    ORDER BY created_at DESC, id DESC LIMIT ${q.limit + 1}`);
  return toPage(rows, q.limit, (r) => view(r.state as InboundState));
}
