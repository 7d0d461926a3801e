import { sql, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';
import { ts } from './events/projector.ts';

/** The opaque cursor of every list: the (created_at, id) of the last row shown, stable under inserts. */
export function encodeCursor(createdAtMs: number, id: string): string {
  return Buffer.from(JSON.stringify([createdAtMs, id])).toString('base64url');
}

/** The position a cursor names; null for a cursor that is not ours. */
export function decodeCursor(cursor: string): [number, string] | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'string' && z.uuid().safeParse(v[1]).success) {
      return [v[0], v[1]];
    }
  } catch { /* falls through */ }
  return null;
}

/** Rows strictly after the cursor in (created_at DESC, id DESC) order. */
export function afterCursor(after: [number, string]): FragmentSqlToken {
  return sql.fragment`(created_at, id) < (${ts(after[0])}, ${after[1]}::uuid)`;
}

/** `{data, pagination: {hasMore, cursor}}` from a query that fetched `limit + 1` rows. */
export function toPage<R extends { id: string; created_at: number }, V>(rows: readonly R[], limit: number, view: (r: R) => V) {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const hasMore = rows.length > limit;
  return { data: page.map(view), pagination: { hasMore, cursor: hasMore && last ? encodeCursor(last.created_at, last.id) : null } };
}
