import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { definitionView } from '../../services/event-types/domain/definition.ts';
import type { EventTypeState } from '../../services/event-types/domain/evolve.ts';
import type { Scope } from '../events/queries.ts';
import { afterCursor, decodeCursor, toPage } from '../../services/platform/postgres/pagination.ts';

const iso = (ms: number) => new Date(ms).toISOString();
const stateRow = z.object({ state: z.unknown(), created_at: z.number(), id: z.string() });

/** The public shape of an event type: schema and examplePayload as JSON values. */
export function eventTypeView(s: EventTypeState) {
  return {
    id: s.eventTypeId, ...definitionView(s.definition), version: s.version,
    createdAt: iso(s.createdAt), updatedAt: iso(s.updatedAt),
  };
}

const scoped = (scope: Scope) => [
  sql.fragment`account_id = ${scope.accountId}`, sql.fragment`project_id = ${scope.projectId}`, sql.fragment`NOT deleted`,
];

export async function getEventType(db: DatabasePool, scope: Scope, id: string): Promise<EventTypeState | null> {
  const row = await db.maybeOne(sql.type(stateRow)`
    SELECT id, state, created_at FROM event_types WHERE id = ${id} AND ${sql.join(scoped(scope), sql.fragment` AND `)}`);
  return row ? (row.state as EventTypeState) : null;
}

export async function getEventTypeByName(db: DatabasePool, scope: Scope, name: string): Promise<EventTypeState | null> {
  const row = await db.maybeOne(sql.type(stateRow)`
    SELECT id, state, created_at FROM event_types WHERE name = ${name} AND ${sql.join(scoped(scope), sql.fragment` AND `)}
    ORDER BY created_at DESC LIMIT 1`);
  return row ? (row.state as EventTypeState) : null;
}

/** Newest first, `{data, pagination: {hasMore, cursor}}`; null for a cursor that is not ours. */
export async function listEventTypes(db: DatabasePool, scope: Scope, q: { limit: number; cursor?: string }) {
  const after = q.cursor ? decodeCursor(q.cursor) : undefined;
  if (after === null) return null;
  const conds = scoped(scope);
  if (after) conds.push(afterCursor(after));
  const rows = await db.any(sql.type(stateRow)`
    SELECT id, state, created_at FROM event_types WHERE ${sql.join(conds, sql.fragment` AND `)}
    ORDER BY created_at DESC, id DESC LIMIT ${q.limit + 1}`);
  return toPage(rows, q.limit, (r) => eventTypeView(r.state as EventTypeState));
}
