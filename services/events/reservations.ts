import { sql, type DatabasePool, type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import type { TakenKey } from './domain/idempotency.ts';
import type { EventAccepted } from './domain/messages.ts';
import { GroupCommit } from '../platform/group-commit.ts';

/** Seconds after which a reservation never marked written is abandoned (its append ended long ago, one way or the other). */
const ABANDONED_AFTER_S = 120;

/** Most appended keys kept in memory while their marks are pending (a Postgres long away); the oldest go first. */
const MAX_UNMARKED = 100_000;

const slot = (projectId: string, key: string) => `${projectId}\u0000${key}`;

/**
 * The idempotency_keys reservations (a table of the API's own, not a read model): a key is
 * reserved for an event before its append, marked written after it, released when it fails.
 *
 * Reservations and marks share one group commit (GroupCommit): the fresh keys of every send that
 * arrives while a statement is in flight, and the marks of every send answered meanwhile, travel
 * in the next statement, across projects: under load one statement, one commit and one round
 * trip to Postgres per group, not one for the reservations and another for the marks. A mark is
 * not waited for by the request: this process remembers the keys it appended until their mark
 * is in Postgres, so a retry here is answered 409 at once; a retry on another process finds the
 * key unsettled (503, retry shortly) until the mark, or the events read model, shows the event.
 */
export class IdempotencyKeys {
  private readonly db: DatabasePool;
  /** (project, key) → event id: appended by this process, "written" not yet in Postgres. */
  private readonly unmarked = new Map<string, string>();
  private readonly writes: GroupCommit<KeyWrite, boolean>;

  constructor(db: DatabasePool) {
    this.db = db;
    this.writes = new GroupCommit((items) => writeKeys(db, items));
  }

  /**
   * Reserves the idempotency keys of `events` (not yet written); answers the keys already taken
   * by other events (and reserves none then), each saying whether its event was written.
   * Fresh keys, the usual case, take one group-committed statement; a conflict takes a
   * transaction that first reclaims abandoned reservations among the conflicting keys. Every
   * statement finds its rows by the primary key (project_id, key). When it fails, the keys the
   * first statement reserved are the caller's to release.
   */
  async reserve(events: EventAccepted[]): Promise<readonly TakenKey[]> {
    const projectId = events[0]!.projectId;
    const won = await this.writes.submit(events.map((event) => ({ event, mark: false })));
    if (won.every(Boolean)) return [];
    const rest = events.filter((_, i) => !won[i]);
    const taken = await this.db.transaction(async (tx) => {
      const restKeys = sql.array(rest.map((e) => e.idempotencyKey), 'text');
      await tx.query(sql.unsafe`
        DELETE FROM idempotency_keys k
        WHERE k.project_id = ${projectId} AND k.key = ANY(${restKeys}) AND NOT k.written
          AND k.reserved_at < now() - ${ABANDONED_AFTER_S} * interval '1 second'
          AND NOT EXISTS (SELECT 1 FROM events e WHERE e.id = k.event_id)`);
      if ((await insertKeys(tx, rest)).size === rest.length) return [];
      const held = await tx.any(sql.type(z.object({ key: z.string(), event_id: z.string(), settled: z.boolean() }))`
        SELECT k.key, k.event_id, (k.written OR EXISTS (SELECT 1 FROM events e WHERE e.id = k.event_id)) AS settled
        FROM idempotency_keys k
        WHERE k.project_id = ${projectId} AND k.key = ANY(${restKeys})
          AND NOT (k.event_id = ANY(${sql.array(rest.map((e) => e.eventId), 'uuid')}))`);
      await deleteKeys(tx, events, false);
      return held;
    });
    // An event this process appended is settled even before its mark reaches Postgres.
    return taken.map((t) => ({ key: t.key, eventId: t.event_id, settled: t.settled || this.unmarked.get(slot(projectId, t.key)) === t.event_id }));
  }

  /** Frees the keys of events that were not written. */
  async release(events: EventAccepted[]): Promise<void> {
    await deleteKeys(this.db, events, true);
  }

  /**
   * Marks the keys of appended events written (group committed). Until it resolves, this
   * process answers retries of those keys as settled. A key meanwhile held by another event
   * stays as it is; a key no longer reserved at all is recorded again, for the event that was
   * written.
   */
  async markWritten(events: EventAccepted[]): Promise<void> {
    for (const e of events) this.unmarked.set(slot(e.projectId, e.idempotencyKey), e.eventId);
    while (this.unmarked.size > MAX_UNMARKED) this.unmarked.delete(this.unmarked.keys().next().value!);
    await this.writes.submit(events.map((event) => ({ event, mark: true })));
    for (const e of events) {
      const k = slot(e.projectId, e.idempotencyKey);
      if (this.unmarked.get(k) === e.eventId) this.unmarked.delete(k);
    }
  }
}

/** The (project, key, event, written) rows of `events` (of any projects), for an INSERT into idempotency_keys. */
function keyRows(events: EventAccepted[], written: boolean) {
  return sql.fragment`SELECT p, k, e, ${written} FROM ${sql.unnest(events.map((e) => [e.projectId, e.idempotencyKey, e.eventId]), ['uuid', 'text', 'uuid'])} AS t(p, k, e)`;
}

/** One item of the shared group commit: a fresh reservation, or the mark of an appended event. */
type KeyWrite = { event: EventAccepted; mark: boolean };

/**
 * One statement for a group: the marks (an upsert, as markKeys) in a data-modifying CTE, which
 * runs to completion whether or not its rows are read, and the reservations (as insertKeys).
 * A statement may not touch a row twice, so a reservation of a key marked in the same statement
 * is not inserted: it counts as taken, and reserve's conflict path reads the key once this has
 * committed. Answers, per item, whether it was won (reservations) or true (marks).
 */
async function writeKeys(db: DatabasePool, items: KeyWrite[]): Promise<boolean[]> {
  const marks = [...new Map(items.filter((w) => w.mark).map((w) => [slot(w.event.projectId, w.event.idempotencyKey), w.event])).values()];
  const fresh = items.filter((w) => !w.mark).map((w) => w.event);
  if (marks.length === 0) {
    const won = await insertKeys(db, fresh);
    return items.map((w) => won.has(w.event.eventId));
  }
  if (fresh.length === 0) {
    await markKeys(db, marks);
    return items.map(() => true);
  }
  const marked = new Set(marks.map((e) => slot(e.projectId, e.idempotencyKey)));
  const rows = await db.any(sql.type(z.object({ event_id: z.string() }))`
    WITH marked AS (${markStatement(marks)})
    INSERT INTO idempotency_keys (project_id, key, event_id, written)
      ${keyRows(fresh.filter((e) => !marked.has(slot(e.projectId, e.idempotencyKey))), false)}
    ON CONFLICT (project_id, key) DO NOTHING RETURNING event_id`);
  const won = new Set(rows.map((r) => r.event_id));
  return items.map((w) => w.mark || won.has(w.event.eventId));
}

/** Inserts the keys not taken yet; answers the ids of the events that got theirs. */
async function insertKeys(db: DatabasePool | DatabaseTransactionConnection, events: EventAccepted[]): Promise<Set<string>> {
  const rows = await db.any(sql.type(z.object({ event_id: z.string() }))`
    INSERT INTO idempotency_keys (project_id, key, event_id, written) ${keyRows(events, false)}
    ON CONFLICT (project_id, key) DO NOTHING RETURNING event_id`);
  return new Set(rows.map((r) => r.event_id));
}

/**
 * An upsert, not an UPDATE: each row is found through the primary key whatever the planner
 * estimates (an UPDATE by `key = ANY(...)`, before the table had statistics, read every key of
 * the project: 8-12 ms a batch at 50,000 keys, growing with the table). One row per key: an
 * upsert may not touch a row twice.
 */
async function markKeys(db: DatabasePool, events: EventAccepted[]): Promise<void> {
  const once = [...new Map(events.map((e) => [slot(e.projectId, e.idempotencyKey), e])).values()];
  await db.query(sql.unsafe`${markStatement(once)}`);
}

/** The mark's upsert of `once` (one event per key). */
function markStatement(once: EventAccepted[]) {
  return sql.fragment`
    INSERT INTO idempotency_keys (project_id, key, event_id, written) ${keyRows(once, true)}
    ON CONFLICT (project_id, key) DO UPDATE SET written = true WHERE idempotency_keys.event_id = EXCLUDED.event_id`;
}

/** Deletes the reservations `events` hold (only the unwritten ones if `onlyUnwritten`). */
async function deleteKeys(db: DatabasePool | DatabaseTransactionConnection, events: EventAccepted[], onlyUnwritten: boolean) {
  await db.query(sql.unsafe`
    DELETE FROM idempotency_keys WHERE project_id = ${events[0]!.projectId}
      AND key = ANY(${sql.array(events.map((e) => e.idempotencyKey), 'text')})
      AND event_id = ANY(${sql.array(events.map((e) => e.eventId), 'uuid')})
      ${onlyUnwritten ? sql.fragment`AND NOT written` : sql.fragment``}`);
}
