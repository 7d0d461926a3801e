import { sql, type DatabasePool, type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { ts } from '../events/projector.ts';
import type { Scope } from '../events/queries.ts';
import { afterCursor, decodeCursor, toPage } from '../../services/platform/postgres/pagination.ts';

/**
 * A read model of named aggregates kept as their folded state (event types, connectors): a table
 * with id, account_id, project_id, name, state (jsonb), deleted, created_at, updated_at. The
 * projector folds each event with the domain's evolve; the queries read one by id or by name
 * and list a project's live ones, newest first. One piece of code for each such room.
 */
export type Folded = { version: number; accountId: string; projectId: string; deleted: boolean; createdAt: number; updatedAt: number };
export type StateTable<S extends Folded> = {
  table: string;
  idOf: (s: S) => string;
  nameOf: (s: S) => string;
};

const stateRow = z.object({ state: z.unknown(), created_at: z.number(), id: z.string() });
/** Avro decodes records as class instances; the JSON column wants plain objects. */
const plain = (o: object) => JSON.parse(JSON.stringify(o));

/** Folds `e` into the row of its aggregate: once per version, so a redelivered event changes nothing. */
export async function foldInto<S extends Folded, E extends { version: number }>(
  tx: DatabaseTransactionConnection, t: StateTable<S>, id: string, e: E, evolve: (s: S | undefined, e: E) => S | undefined,
  /** For an event that is no version (a connector's circuit): when it is stale instead of "not newer". */
  stale?: (s: S) => boolean,
): Promise<void> {
  const table = sql.identifier([t.table]);
  const row = await tx.maybeOne(sql.type(z.object({ state: z.unknown() }))`SELECT state FROM ${table} WHERE id = ${id} FOR UPDATE`);
  const current = row?.state as S | undefined;
  if (current && (stale ? stale(current) : current.version >= e.version)) return;
  const next = evolve(current, e);
  if (!next) return;
  await tx.query(sql.unsafe`
    INSERT INTO ${table} (id, account_id, project_id, name, state, deleted, created_at, updated_at)
    VALUES (${t.idOf(next)}, ${next.accountId}, ${next.projectId}, ${t.nameOf(next)}, ${sql.jsonb(plain(next))},
            ${next.deleted}, ${ts(next.createdAt)}, ${ts(next.updatedAt)})
    ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, state = EXCLUDED.state, deleted = EXCLUDED.deleted, updated_at = EXCLUDED.updated_at`);
}

/** The caller's project's rows: its live ones, or (deletedToo) every one. */
const scoped = (scope: Scope, deletedToo = false) => [sql.fragment`account_id = ${scope.accountId}`, sql.fragment`project_id = ${scope.projectId}`,
  ...(deletedToo ? [] : [sql.fragment`NOT deleted`])];
const where = (conds: ReturnType<typeof scoped>) => sql.join(conds, sql.fragment` AND `);

/** The caller's project's live aggregate of that id, or null. */
export async function getById<S>(db: DatabasePool, table: string, scope: Scope, id: string): Promise<S | null> {
  const row = await db.maybeOne(sql.type(stateRow)`
    SELECT id, state, created_at FROM ${sql.identifier([table])} WHERE id = ${id} AND ${where(scoped(scope))}`);
  return row ? (row.state as S) : null;
}

/** The caller's project's live aggregate of that name (the newest, should a rebuild race a rename), or null. */
export async function getByName<S>(db: DatabasePool, table: string, scope: Scope, name: string): Promise<S | null> {
  const row = await db.maybeOne(sql.type(stateRow)`
    SELECT id, state, created_at FROM ${sql.identifier([table])} WHERE name = ${name} AND ${where(scoped(scope))}
    ORDER BY created_at DESC LIMIT 1`);
  return row ? (row.state as S) : null;
}

/** Newest first, `{data, pagination: {hasMore, cursor}}`; null for a cursor that is not ours. */
export async function listPage<S, V>(db: DatabasePool, table: string, scope: Scope, q: { limit: number; cursor?: string; deletedToo?: boolean }, view: (s: S) => V) {
  const after = q.cursor ? decodeCursor(q.cursor) : undefined;
  if (after === null) return null;
  // deletedToo: a deleted one's history is the workspace's too (a GDPR export lists them).
  const conds = scoped(scope, q.deletedToo);
  if (after) conds.push(afterCursor(after));
  const rows = await db.any(sql.type(stateRow)`
    SELECT id, state, created_at FROM ${sql.identifier([table])} WHERE ${where(conds)}
    ORDER BY created_at DESC, id DESC LIMIT ${q.limit + 1}`);
  return toPage(rows, q.limit, (r) => view(r.state as S));
}
