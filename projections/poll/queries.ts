import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import type { QueuedMessage } from '../../services/poll/queue.ts';
import type { Scope } from '../events/queries.ts';
import { openPayloadColumn, openStoredMap, openStoredText } from '../../services/data-keys/fields.ts';

const iso = (ms: number) => new Date(ms).toISOString();

const messageRow = z.object({
  id: z.string(), account_id: z.string(), event_id: z.string(), event_type: z.string().nullable(), payload: z.unknown(),
  headers: z.record(z.string(), z.string()), receive_count: z.number(), event_created_at: z.number(),
  queued_at: z.number(), visible_at: z.number(),
});
type MessageRow = z.infer<typeof messageRow>;

/**
 * A message as GET /poll shows it. `id` is the dispatch id, the one to ack (it is also the
 * dispatchId of the event's delivery attempts); `attempt` counts how many times it was handed
 * out, this time included; `visibleUntil` is when it is offered again unless acked.
 */
export function messageView(r: MessageRow) {
  return {
    id: r.id, eventId: r.event_id, eventType: r.event_type,
    // Kept sealed under the workspace's data key (services/data-keys/fields.ts): opened here only.
    payload: openPayloadColumn(r.account_id, r.payload), headers: openStoredMap(r.account_id, 'headers', r.headers),
    attempt: r.receive_count, createdAt: iso(r.event_created_at), queuedAt: iso(r.queued_at), visibleUntil: iso(r.visible_at),
  };
}

/**
 * Leases up to `limit` of the endpoint's visible, unacked messages, oldest first, hiding them for
 * `visibilityMs`. Concurrent pollers skip each other's candidates (SKIP LOCKED), and the lease
 * upsert re-checks the lease row's latest version, so no two pollers hold one message within its
 * visibility window and an ack under way is never handed out.
 */
export async function leaseMessages(db: DatabasePool, scope: Scope, endpointId: string, limit: number, visibilityMs: number) {
  const rows = await db.any(sql.type(messageRow)`
    WITH candidates AS (
      SELECT m.id FROM poll_messages m LEFT JOIN poll_leases l ON l.dispatch_id = m.id
      WHERE m.endpoint_id = ${endpointId} AND m.account_id = ${scope.accountId} AND m.project_id = ${scope.projectId}
        AND m.acked_at IS NULL AND (l.dispatch_id IS NULL OR (l.visible_at <= now() AND l.ack_requested_at IS NULL))
      ORDER BY m.queued_at, m.id LIMIT ${limit}
      FOR UPDATE OF m SKIP LOCKED
    ), leased AS (
      INSERT INTO poll_leases (dispatch_id, visible_at, receive_count, leased_at)
      SELECT id, now() + ${visibilityMs} * interval '1 millisecond', 1, now() FROM candidates
      ON CONFLICT (dispatch_id) DO UPDATE
        SET visible_at = EXCLUDED.visible_at, receive_count = poll_leases.receive_count + 1, leased_at = EXCLUDED.leased_at
        WHERE poll_leases.visible_at <= now() AND poll_leases.ack_requested_at IS NULL
      RETURNING dispatch_id, visible_at, receive_count
    )
    SELECT m.id, m.account_id, m.event_id, m.event_type, m.payload, m.headers, m.event_created_at, m.queued_at, l.receive_count, l.visible_at
    FROM leased l JOIN poll_messages m ON m.id = l.dispatch_id
    ORDER BY m.queued_at, m.id`);
  return rows.map(messageView);
}

const ackRow = z.object({
  id: z.string(), event_id: z.string(), account_id: z.string(), project_id: z.string(), endpoint_id: z.string(),
  event_type: z.string().nullable(), url: z.string(), max_attempts: z.number(), receive_count: z.number(),
  leased_at: z.number().nullable(), event_created_at: z.number(),
});

/** Which messages an ack names: message ids, or event ids of one endpoint (the documented form). */
export type AckTarget = { ids: string[] } | { endpointId: string; eventIds: string[] };

function named(scope: Scope, t: AckTarget) {
  const which = 'ids' in t
    ? sql.fragment`m.id = ANY(${sql.array(t.ids, 'uuid')})`
    : sql.fragment`m.endpoint_id = ${t.endpointId} AND m.event_id = ANY(${sql.array(t.eventIds, 'uuid')})`;
  return sql.fragment`m.account_id = ${scope.accountId} AND m.project_id = ${scope.projectId} AND ${which}`;
}

/**
 * Reserves the ack of the named messages not acked yet: they are hidden from pollers at once,
 * and a concurrent ack of the same message reserves nothing, so each gets one ack record.
 * Answers the reserved messages, and every named message of the caller (acked before or now).
 */
export async function reserveAcks(db: DatabasePool, scope: Scope, target: AckTarget) {
  return db.transaction(async (tx) => {
    const reserved = await tx.any(sql.type(ackRow)`
      WITH r AS (
        INSERT INTO poll_leases (dispatch_id, visible_at, receive_count, leased_at, ack_requested_at)
        SELECT m.id, now(), 0, NULL, now() FROM poll_messages m WHERE ${named(scope, target)} AND m.acked_at IS NULL
        ON CONFLICT (dispatch_id) DO UPDATE SET ack_requested_at = EXCLUDED.ack_requested_at
          WHERE poll_leases.ack_requested_at IS NULL
        RETURNING dispatch_id, receive_count, leased_at
      )
      SELECT m.id, m.event_id, m.account_id, m.project_id, m.endpoint_id, m.event_type, m.url, m.max_attempts,
        r.receive_count, r.leased_at, m.event_created_at
      FROM r JOIN poll_messages m ON m.id = r.dispatch_id`);
    const all = await tx.any(sql.type(z.object({ id: z.string(), event_id: z.string() }))`
      SELECT m.id, m.event_id FROM poll_messages m WHERE ${named(scope, target)}`);
    return { reserved: reserved.map(toQueued), named: all };
  });
}

/** Undoes a reservation whose ack record could not be appended, so the message is offered again. */
export async function releaseAcks(db: DatabasePool, ids: string[]): Promise<void> {
  await db.query(sql.unsafe`UPDATE poll_leases SET ack_requested_at = NULL WHERE dispatch_id = ANY(${sql.array(ids, 'uuid')})`);
}

/** A reserved message, its URL opened (kept sealed as the log has it): the ack's attempt seals it again. */
function toQueued(r: z.infer<typeof ackRow>): QueuedMessage {
  return {
    dispatchId: r.id, eventId: r.event_id, accountId: r.account_id, projectId: r.project_id, endpointId: r.endpoint_id,
    eventType: r.event_type, url: openStoredText(r.account_id, 'url', r.url), maxAttempts: r.max_attempts, receiveCount: r.receive_count,
    leasedAt: r.leased_at, eventCreatedAt: r.event_created_at,
  };
}
