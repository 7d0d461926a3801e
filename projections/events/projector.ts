import { sql, type DatabaseTransactionConnection } from 'slonik';
import { assertNever } from '../../services/platform/domain/never.ts';
import { type DeliveryAttempted } from '../../services/deliveries/domain/messages.ts';
import { type EventAccepted, type EventEdited, type EventReplayed, type EventRouted } from '../../services/events/domain/messages.ts';
import { z } from 'zod';
import type { Projection } from '../../services/platform/projection/runner.ts';
import { payloadColumn, sealedOf } from '../../services/data-keys/fields.ts';
import { statusSql } from './status-sql.ts';

/** Exact millisecond timestamps (to_timestamp's float division would blur the keyset cursor). */
export const ts = (ms: number) => sql.fragment`(timestamptz 'epoch' + ${ms} * interval '1 millisecond')`;

/**
 * events, event_destinations and delivery_attempts, from the events and outcomes topics.
 * Accepted/Edited/Replayed/Routed share a partition (ordered); attempts come from another topic,
 * so every handler is order-tolerant and the status is recomputed from the destination rows.
 * Payloads, headers, response bodies and URLs (a direct event's destination, the routing's
 * destinations, the attempts') are kept as the log has them, sealed (sealedOf): the queries open them.
 */
export function eventsProjection(topics: { events: string; outcomes: string }): Projection {
  return {
    name: 'events',
    topics: [topics.events, topics.outcomes],
    tables: ['events', 'event_destinations', 'delivery_attempts'],
    async apply(tx, events) {
      // Runs of accepted/routed/attempted events are applied set-wise (a few statements per batch
      // instead of several per event); an edit or a replay is applied alone, in its place.
      let run: RunEvent[] = [];
      for (const e of events) {
        switch (e.type) {
          case 'EventAccepted': case 'EventRouted': case 'DeliveryAttempted': run.push(e); break;
          case 'EventEdited': case 'EventReplayed':
            await applyRun(tx, run);
            run = [];
            if (e.type === 'EventEdited') await edited(tx, e);
            else await replayed(tx, e);
            break;
          case 'AccountCreated': case 'ApiKeyCreated': case 'DeliveryRequested': case 'DeliveryQueuedForPoll': break;
          default:
            if (!e.type.startsWith('Endpoint')) assertNever(e as never);
        }
      }
      await applyRun(tx, run);
    },
  };
}

type RunEvent = EventAccepted | EventRouted | DeliveryAttempted;

/**
 * The last of each key wins, as when the events are applied one after another; the rows come
 * back in key order. A batch of the events topic (routings) and one of the outcomes topic
 * (attempts) run in concurrent transactions and upsert the same destination rows; taken in
 * arbitrary orders, their row locks deadlocked (hundreds of times in a bench run), and each
 * deadlock stalled both for deadlock_timeout (1 s) before one was rolled back and redone.
 */
function lastBy<T>(items: T[], key: (t: T) => string): T[] {
  const m = new Map<string, T>();
  for (const t of items) m.set(key(t), t);
  return [...m.keys()].sort().map((k) => m.get(k)!);
}

/**
 * A batch's rows as one JSON parameter, read back with json_to_recordset and a column list. With
 * sql.unnest each value went through pg's array-literal builder (a quoted, escaped string per
 * value, concatenated): 15-18 % of the processing thread's allocations under the e2e flood.
 * JSON.stringify writes the same rows once, natively (bench/README.md, "Projector rows as JSON").
 */
export const rowsJson = (rows: Array<Record<string, string | number | null>>) => sql.fragment`${JSON.stringify(rows)}::json`;

const epochMs = (col: string) => sql.fragment`(timestamptz 'epoch' + ${sql.identifier([col])} * interval '1 millisecond')`;

/**
 * Applies a run of EventAccepted, EventRouted and DeliveryAttempted set-wise, with the result of
 * applying them one by one in log order: a destination's last write wins, and each touched
 * event's status is recomputed once, from the final destination rows. Whatever was applied before
 * (Kafka delivers at least once) changes nothing: an event is inserted once, a routing seen before
 * is not made current again, and a destination keeps its latest attempt.
 */
async function applyRun(tx: DatabaseTransactionConnection, run: RunEvent[]): Promise<void> {
  const accepted: EventAccepted[] = [];
  const routed: EventRouted[] = [];
  const attempted: DeliveryAttempted[] = [];
  for (const e of run) {
    if (e.type === 'EventAccepted') accepted.push(e);
    else if (e.type === 'EventRouted') routed.push(e);
    else if (e.type === 'DeliveryAttempted') attempted.push(e);
  }
  const { fresh, settled } = await upsertDestinations(tx, routed);
  // An event accepted and routed within the run is inserted routed: one row version, not two.
  const routings = new Map(lastBy(fresh, (e) => e.eventId).map((e) => [e.eventId, e]));
  if (accepted.length > 0) {
    await tx.query(sql.unsafe`
      INSERT INTO events (id, account_id, project_id, idempotency_key, destination, event_type, payload, headers,
                          status, max_attempts, priority, delay_seconds, routed_at, dest_total, created_at, updated_at, sub_account_id)
      SELECT t.id, t.account_id, t.project_id, t.key, t.destination, t.event_type, t.payload::json, t.headers::jsonb,
             'queued', t.max_attempts, t.priority, t.delay_seconds, ${epochMs('routed_ms')}, t.total,
             ${epochMs('created_ms')}, coalesce(${epochMs('routed_ms')}, ${epochMs('created_ms')}), t.sub_account_id
      FROM json_to_recordset(${rowsJson(lastBy(accepted, (e) => e.eventId).map((e) => {
        const r = routings.get(e.eventId);
        return { id: e.eventId, account_id: e.accountId, project_id: e.projectId, key: e.idempotencyKey, destination: sealedOf(e, 'destination'),
          event_type: e.eventType, payload: payloadColumn(sealedOf(e, 'payload')), headers: JSON.stringify(sealedOf(e, 'headers')), max_attempts: e.maxAttempts,
          priority: e.priority, delay_seconds: e.delaySeconds, created_ms: e.createdAt, routed_ms: r?.routedAt ?? null, total: r?.destinations.length ?? null, sub_account_id: e.subAccountId ?? null };
      }))}) AS t(id uuid, account_id uuid, project_id uuid, key text, destination text, event_type text, payload text, headers text,
                 max_attempts int4, priority int4, delay_seconds int4, created_ms int8, routed_ms int8, total int4, sub_account_id uuid)
      ON CONFLICT (id) DO UPDATE SET routed_at = EXCLUDED.routed_at, dest_total = EXCLUDED.dest_total, updated_at = EXCLUDED.updated_at
        WHERE EXCLUDED.routed_at IS NOT NULL`);
    // (An event already there, applied once before, still gets the run's routing.)
    for (const e of accepted) routings.delete(e.eventId);
  }
  if (routings.size > 0) {
    await tx.query(sql.unsafe`
      UPDATE events SET routed_at = ${epochMs('routed_ms')}, dest_total = t.total, updated_at = ${epochMs('routed_ms')}
      FROM json_to_recordset(${rowsJson([...routings.values()].map((e) => ({ id: e.eventId, routed_ms: e.routedAt, total: e.destinations.length })))})
        AS t(id uuid, routed_ms int8, total int4)
      WHERE events.id = t.id`);
  }
  if (attempted.length > 0) {
    await tx.query(sql.unsafe`
      INSERT INTO delivery_attempts (id, event_id, dispatch_id, account_id, project_id, endpoint_id, event_type, url,
        attempt_number, outcome, status_code, response_body, error, error_category, duration_ms,
        processing_overhead_us, attempted_at, event_created_at)
      SELECT t.id, t.event_id, t.dispatch_id, t.account_id, t.project_id, t.endpoint_id, t.event_type, t.url,
        t.attempt_number, t.outcome, t.status_code, t.response_body, t.error, t.error_category, t.duration_ms,
        t.overhead_us, ${epochMs('attempted_ms')}, ${epochMs('created_ms')}
      FROM json_to_recordset(${rowsJson(attempted.map((e) => ({
        id: e.attemptId, event_id: e.eventId, dispatch_id: e.dispatchId, account_id: e.accountId, project_id: e.projectId,
        endpoint_id: e.endpointId, event_type: e.eventType, url: sealedOf(e, 'url'), attempt_number: e.attemptNumber, outcome: e.outcome,
        status_code: e.statusCode, response_body: sealedOf(e, 'responseBody'), error: e.error, error_category: e.errorCategory,
        duration_ms: e.durationMs, overhead_us: e.processingOverheadUs, attempted_ms: e.attemptedAt, created_ms: e.eventCreatedAt })))})
        AS t(id uuid, event_id uuid, dispatch_id uuid, account_id uuid, project_id uuid, endpoint_id uuid, event_type text, url text,
             attempt_number int4, outcome text, status_code int4, response_body text, error text, error_category text, duration_ms int4,
             overhead_us int8, attempted_ms int8, created_ms int8)
      ON CONFLICT (id) DO NOTHING`);
    const last = latestAttempts(attempted);
    await tx.query(sql.unsafe`
      INSERT INTO event_destinations (dispatch_id, event_id, account_id, endpoint_id, url, state, attempts, delivered_at)
      SELECT t.dispatch_id, t.event_id, t.account_id, t.endpoint_id, t.url, t.state, t.attempts,
             CASE WHEN t.state = 'delivered' THEN ${epochMs('attempted_ms')} END
      FROM json_to_recordset(${rowsJson(last.map((e) => ({
        dispatch_id: e.dispatchId, event_id: e.eventId, account_id: e.accountId, endpoint_id: e.endpointId, url: sealedOf(e, 'url'), state: destinationState(e),
        attempts: e.attemptNumber, attempted_ms: e.attemptedAt })))})
        AS t(dispatch_id uuid, event_id uuid, account_id uuid, endpoint_id uuid, url text, state text, attempts int4, attempted_ms int8)
      ON CONFLICT (dispatch_id) DO UPDATE SET state = EXCLUDED.state, attempts = EXCLUDED.attempts,
        delivered_at = EXCLUDED.delivered_at
        WHERE EXCLUDED.attempts >= event_destinations.attempts`);
  }
  const touched = [...new Set([...settled, ...attempted.map((e) => e.eventId)])].sort();
  if (touched.length > 0) await recomputeMany(tx, touched);
}

/**
 * The routings' destination rows, and which routings are new. A destination row the routing finds
 * already routed was written by this very routing before (dispatch ids are new in every routing),
 * so such a routing is a redelivery: made current again, it would unroute a replay's new routing.
 * Returns the routings seen for the first time, and the events whose status the routing alone may
 * change: one with no destinations is delivered (vacuously), one whose outcome came first may be
 * done. A routing of fresh destinations leaves its event queued, as it was, and needs no recompute.
 */
async function upsertDestinations(tx: DatabaseTransactionConnection, routed: EventRouted[]): Promise<{ fresh: EventRouted[]; settled: Set<string> }> {
  const settled = new Set(routed.filter((e) => e.destinations.length === 0).map((e) => e.eventId));
  const dests = lastBy(routed.flatMap((e) => sealedOf(e, 'destinations').map((d) => ({ ...d, eventId: e.eventId, accountId: e.accountId, at: e.routedAt }))), (d) => d.dispatchId);
  if (dests.length === 0) return { fresh: routed, settled };
  // The upsert writes only rows it inserts (xmax 0) or that an outcome projected first had left
  // unrouted (xmax set): only those can change their event's status here.
  const written = await tx.any(sql.type(z.object({ dispatch_id: z.string(), event_id: z.string(), early: z.boolean() }))`
    INSERT INTO event_destinations (dispatch_id, event_id, account_id, endpoint_id, url, routed_at)
    SELECT t.dispatch_id, t.event_id, t.account_id, t.endpoint_id, t.url, ${epochMs('routed_ms')}
    FROM json_to_recordset(${rowsJson(dests.map((d) => ({ dispatch_id: d.dispatchId, event_id: d.eventId, account_id: d.accountId, endpoint_id: d.endpointId, url: d.url, routed_ms: d.at })))})
      AS t(dispatch_id uuid, event_id uuid, account_id uuid, endpoint_id uuid, url text, routed_ms int8)
    ON CONFLICT (dispatch_id) DO UPDATE SET routed_at = EXCLUDED.routed_at WHERE event_destinations.routed_at IS NULL
    RETURNING dispatch_id::text, event_id::text, xmax <> 0 AS early`);
  const seen = new Set(written.map((r) => r.dispatch_id));
  for (const r of written) if (r.early) settled.add(r.event_id);
  return { fresh: routed.filter((e) => e.destinations.length === 0 || e.destinations.some((d) => seen.has(d.dispatchId))), settled };
}

/** Each dispatch's latest attempt: the highest attempt number, the last of equals (as in log order). */
function latestAttempts(attempted: DeliveryAttempted[]): DeliveryAttempted[] {
  const latest = new Map<string, DeliveryAttempted>();
  for (const e of attempted) {
    const seen = latest.get(e.dispatchId);
    if (!seen || e.attemptNumber >= seen.attemptNumber) latest.set(e.dispatchId, e);
  }
  return [...latest.keys()].sort().map((k) => latest.get(k)!);
}

const destinationState = (e: DeliveryAttempted) => (e.disposition === 'delivered' ? 'delivered' : e.disposition === 'dead' ? 'dead' : 'retrying');

/** An edit older than the last one projected (delivered again) would revert the newer one: it changes nothing. */
function edited(tx: DatabaseTransactionConnection, e: EventEdited) {
  return tx.query(sql.unsafe`
    UPDATE events SET
      destination = coalesce(${sealedOf(e, 'destination')}, destination),
      payload = coalesce(${e.payload === null ? null : payloadColumn(sealedOf(e, 'payload')!)}::json, payload),
      headers = coalesce(${e.headers === null ? null : sql.jsonb(sealedOf(e, 'headers')!)}, headers),
      edited_at = ${ts(e.editedAt)},
      updated_at = greatest(updated_at, ${ts(e.editedAt)})
    WHERE id = ${e.eventId} AND (edited_at IS NULL OR edited_at <= ${ts(e.editedAt)})`);
}

/**
 * A replay starts the event over: earlier attempts stay in the history, the status waits for the
 * new routing. A replay projected before (delivered again) changes nothing: after its routing it
 * would have unrouted the event for good.
 */
async function replayed(tx: DatabaseTransactionConnection, e: EventReplayed) {
  await tx.query(sql.unsafe`
    UPDATE events SET routed_at = NULL, dest_total = NULL, replayed_at = ${ts(e.replayedAt)}, updated_at = ${ts(e.replayedAt)}
    WHERE id = ${e.eventId} AND (replayed_at IS NULL OR replayed_at < ${ts(e.replayedAt)})`);
  await recompute(tx, e.eventId);
}

/**
 * recompute() of many events in one statement. Rows whose status, attempts and delivered_at come
 * out unchanged are not written (a routing projected before any attempt leaves the event queued).
 * Each event's destinations are counted in a LATERAL subquery, i.e. looked up through
 * event_destinations_event one event at a time: as a plain join, a table not analyzed yet (the
 * first minute of a burst) made the planner hash the whole event_destinations table for every
 * batch, 12 ms a batch at 50,000 rows and growing with the table.
 */
const STATUS = statusSql({
  routedAt: sql.identifier(['e', 'routed_at']), total: sql.identifier(['e', 'dest_total']), delivered: sql.identifier(['d', 'delivered']),
  dead: sql.identifier(['d', 'dead']), retrying: sql.identifier(['d', 'retrying']), attempts: sql.identifier(['d', 'attempts']),
});

function recomputeMany(tx: DatabaseTransactionConnection, eventIds: string[]) {
  return tx.query(sql.unsafe`
    WITH n AS (
      SELECT e.id, d.attempts,
        ${STATUS} AS status,
        CASE WHEN e.routed_at IS NOT NULL AND d.delivered >= e.dest_total THEN coalesce(d.last_delivered, e.routed_at) END AS delivered_at
      FROM events e
      CROSS JOIN LATERAL (
        SELECT count(*) FILTER (WHERE x.state = 'delivered') AS delivered,
               count(*) FILTER (WHERE x.state = 'dead') AS dead,
               count(*) FILTER (WHERE x.state = 'retrying') AS retrying,
               coalesce(sum(x.attempts), 0) AS attempts,
               max(x.delivered_at) AS last_delivered
        FROM event_destinations x
        WHERE x.event_id = e.id AND x.routed_at = e.routed_at
      ) d
      WHERE e.id = ANY(${sql.array(eventIds, 'uuid')})
    )
    UPDATE events SET attempts = n.attempts, status = n.status, delivered_at = n.delivered_at
    FROM n
    WHERE events.id = n.id
      AND (events.attempts, events.status, events.delivered_at) IS DISTINCT FROM (n.attempts, n.status, n.delivered_at)`);
}

/**
 * The event's status from its current routing's destinations (services/events/domain/status.ts
 * statusOf, as statusSql): delivered when all succeeded (vacuously with none), dead when all are done
 * and one exhausted its attempts, failed while a retry is scheduled, delivering when partly done.
 */
function recompute(tx: DatabaseTransactionConnection, eventId: string) {
  return recomputeMany(tx, [eventId]);
}
