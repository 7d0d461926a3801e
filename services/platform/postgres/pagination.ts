import { sql, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';
import { ts } from '../../../projections/events/projector.ts';

/** The opaque cursor of every list: the (time, id) of the last row shown, stable under inserts. */
export function encodeCursor(atMs: number, id: string): string {
  return Buffer.from(JSON.stringify([atMs, id])).toString('base64url');
}

const MAX_DATE_MS = 8.64e15;

/** The position a cursor names; null for a cursor that is not ours. */
export function decodeCursor(cursor: string): [number, string] | null {
  return decodeCursorOf(cursor, (id) => z.uuid().safeParse(id).success);
}

/** The same, for a list whose ids are not uuids (`validId` says which ids it has). */
export function decodeCursorOf(cursor: string, validId: (id: string) => boolean): [number, string] | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    // A time mittr wrote: an integer from the epoch to the end of JavaScript's dates (Postgres's
    // timestamptz holds them all); anything else is not our cursor, and would be a 500 in the query.
    if (Array.isArray(v) && Number.isSafeInteger(v[0]) && v[0] >= 0 && v[0] <= MAX_DATE_MS
      && typeof v[1] === 'string' && validId(v[1])) {
      return [v[0], v[1]];
    }
  } catch { /* falls through */ }
  return null;
}

/** Rows strictly after the cursor in (`at` DESC, id DESC) order: created_at unless the list orders by another time. */
export function afterCursor(after: [number, string], at = 'created_at'): FragmentSqlToken {
  return sql.fragment`(${sql.identifier([at])}, id) < (${ts(after[0])}, ${after[1]}::uuid)`;
}

/** `{data, pagination: {hasMore, cursor}}` from a query that fetched `limit + 1` rows by (created_at DESC, id DESC). */
export function toPage<R extends { id: string; created_at: number }, V>(rows: readonly R[], limit: number, view: (r: R) => V) {
  return toPageBy(rows, limit, view, (r) => r.created_at);
}

/** The same, for a list ordered by another time (`at`, the column `afterCursor` is given). */
export function toPageBy<R extends { id: string }, V>(rows: readonly R[], limit: number, view: (r: R) => V, at: (r: R) => number) {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const hasMore = rows.length > limit;
  return { data: page.map(view), pagination: { hasMore, cursor: hasMore && last ? encodeCursor(at(last), last.id) : null } };
}
