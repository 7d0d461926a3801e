import { sql, type DatabasePool, type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import type { TakenKey } from './domain/idempotency.ts';
import type { EventAccepted } from './domain/messages.ts';

/** Seconds after which a reservation never marked written is abandoned (its append ended long ago, one way or the other). */
const ABANDONED_AFTER_S = 120;

/**
 * The idempotency_keys reservations (a table of the API's own, not a read model): a key is
 * reserved for an event before its append, marked written after it, released when it fails.
 */
export class IdempotencyKeys {
  private readonly db: DatabasePool;
  constructor(db: DatabasePool) {
    this.db = db;
  }

  /**
   * Reserves the idempotency keys of `events` (not yet written); answers the keys already taken
   * by other events (and reserves none then), each saying whether its event was written.
   * Fresh keys, the usual case, take one statement; a conflict takes a transaction that first
   * reclaims abandoned reservations among the conflicting keys. Every statement finds its rows by
   * the primary key (project_id, key). When it fails, the keys the first statement reserved are
   * the caller's to release.
   */
  async reserve(events: EventAccepted[]): Promise<readonly TakenKey[]> {
    const projectId = events[0]!.projectId;
    const inserted = await insertKeys(this.db, events);
    if (inserted.size === events.length) return [];
    const rest = events.filter((e) => !inserted.has(e.idempotencyKey));
    return this.db.transaction(async (tx) => {
      const restKeys = sql.array(rest.map((e) => e.idempotencyKey), 'text');
      await tx.query(sql.unsafe`
        DELETE FROM idempotency_keys k
        WHERE k.project_id = ${projectId} AND k.key = ANY(${restKeys}) AND NOT k.written
          AND k.reserved_at < now() - ${ABANDONED_AFTER_S} * interval '1 second'
          AND NOT EXISTS (SELECT 1 FROM events e WHERE e.id = k.event_id)`);
      if ((await insertKeys(tx, rest)).size === rest.length) return [];
      const taken = await tx.any(sql.type(z.object({ key: z.string(), event_id: z.string(), settled: z.boolean() }))`
        SELECT k.key, k.event_id, (k.written OR EXISTS (SELECT 1 FROM events e WHERE e.id = k.event_id)) AS settled
        FROM idempotency_keys k
        WHERE k.project_id = ${projectId} AND k.key = ANY(${restKeys})
          AND NOT (k.event_id = ANY(${sql.array(rest.map((e) => e.eventId), 'uuid')}))`);
      await deleteKeys(tx, events, false);
      return taken.map((t) => ({ key: t.key, eventId: t.event_id, settled: t.settled }));
    });
  }

  /** Frees the keys of events that were not written. */
  async release(events: EventAccepted[]): Promise<void> {
    await deleteKeys(this.db, events, true);
  }

  /**
   * Marks the keys of appended events written. An upsert, not an UPDATE: each row is found
   * through the primary key whatever the planner estimates (an UPDATE by `key = ANY(...)`, before
   * the table had statistics, read every key of the project: 8-12 ms a batch at 50,000 keys,
   * growing with the table). A key meanwhile held by another event stays as it is; a key no
   * longer reserved at all is recorded again, for the event that was written.
   */
  async markWritten(events: EventAccepted[]): Promise<void> {
    await this.db.query(sql.unsafe`
      INSERT INTO idempotency_keys (project_id, key, event_id, written) ${keyRows(events, true)}
      ON CONFLICT (project_id, key) DO UPDATE SET written = true WHERE idempotency_keys.event_id = EXCLUDED.event_id`);
  }
}

/** The (project, key, event, written) rows of `events`, for an INSERT into idempotency_keys. */
function keyRows(events: EventAccepted[], written: boolean) {
  return sql.fragment`SELECT ${events[0]!.projectId}, k, e, ${written} FROM ${sql.unnest(events.map((e) => [e.idempotencyKey, e.eventId]), ['text', 'uuid'])} AS t(k, e)`;
}

async function insertKeys(db: DatabasePool | DatabaseTransactionConnection, events: EventAccepted[]): Promise<Set<string>> {
  const rows = await db.any(sql.type(z.object({ key: z.string() }))`
    INSERT INTO idempotency_keys (project_id, key, event_id, written) ${keyRows(events, false)}
    ON CONFLICT (project_id, key) DO NOTHING RETURNING key`);
  return new Set(rows.map((r) => r.key));
}

/** Deletes the reservations `events` hold (only the unwritten ones if `onlyUnwritten`). */
async function deleteKeys(db: DatabasePool | DatabaseTransactionConnection, events: EventAccepted[], onlyUnwritten: boolean) {
  await db.query(sql.unsafe`
    DELETE FROM idempotency_keys WHERE project_id = ${events[0]!.projectId}
      AND key = ANY(${sql.array(events.map((e) => e.idempotencyKey), 'text')})
      AND event_id = ANY(${sql.array(events.map((e) => e.eventId), 'uuid')})
      ${onlyUnwritten ? sql.fragment`AND NOT written` : sql.fragment``}`);
}
