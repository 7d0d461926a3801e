import { sql, type DatabaseTransactionConnection } from 'slonik';
import { assertNever, type DeliveryAttempted, type DomainEvent, type EventAccepted, type EventRouted } from '../../services/domain/messages/events.ts';
import type { Projection } from '../runner.ts';

/** Exact millisecond timestamps (to_timestamp's float division would blur the keyset cursor). */
export const ts = (ms: number) => sql.fragment`(timestamptz 'epoch' + ${ms} * interval '1 millisecond')`;

/** events, event_destinations and delivery_attempts, from the events and outcomes topics. */
export function eventsProjection(topics: { events: string; outcomes: string }): Projection {
  return {
    name: 'events',
    topics: [topics.events, topics.outcomes],
    async apply(tx, events) {
      for (const e of events) await applyOne(tx, e);
    },
  };
}

async function applyOne(tx: DatabaseTransactionConnection, e: DomainEvent): Promise<void> {
  switch (e.type) {
    case 'EventAccepted': await accepted(tx, e); return;
    case 'EventRouted': await routed(tx, e); return;
    case 'DeliveryAttempted': await attempted(tx, e); return;
    case 'AccountCreated': case 'ApiKeyCreated': case 'DeliveryRequested': return;
    default: assertNever(e);
  }
}

function accepted(tx: DatabaseTransactionConnection, e: EventAccepted) {
  return tx.query(sql.unsafe`
    INSERT INTO events (id, account_id, project_id, idempotency_key, destination, event_type, payload, headers,
                        status, max_attempts, priority, delay_seconds, created_at, updated_at)
    VALUES (${e.eventId}, ${e.accountId}, ${e.projectId}, ${e.idempotencyKey}, ${e.destination}, ${e.eventType},
            ${e.payload}::jsonb, ${sql.jsonb(e.headers)}, 'queued', ${e.maxAttempts}, ${e.priority}, ${e.delaySeconds},
            ${ts(e.createdAt)}, ${ts(e.createdAt)})
    ON CONFLICT (id) DO NOTHING`);
}

async function routed(tx: DatabaseTransactionConnection, e: EventRouted) {
  for (const d of e.destinations) {
    await tx.query(sql.unsafe`
      INSERT INTO event_destinations (dispatch_id, event_id, endpoint_id, url, state)
      VALUES (${d.dispatchId}, ${e.eventId}, ${d.endpointId}, ${d.url}, 'queued')
      ON CONFLICT (dispatch_id) DO NOTHING`);
  }
  // No destination: the event is kept and shown as delivered (vacuously), with no attempts.
  await tx.query(sql.unsafe`
    UPDATE events SET dest_total = ${e.destinations.length}, updated_at = ${ts(e.routedAt)},
      status = CASE WHEN ${e.destinations.length} = 0 THEN 'delivered' ELSE status END,
      delivered_at = CASE WHEN ${e.destinations.length} = 0 THEN ${ts(e.routedAt)} ELSE delivered_at END
    WHERE id = ${e.eventId}`);
}

async function attempted(tx: DatabaseTransactionConnection, e: DeliveryAttempted) {
  await tx.query(sql.unsafe`
    INSERT INTO delivery_attempts (id, event_id, dispatch_id, account_id, project_id, endpoint_id, event_type, url,
      attempt_number, outcome, status_code, response_body, error, error_category, duration_ms,
      processing_overhead_us, attempted_at, event_created_at)
    VALUES (${e.attemptId}, ${e.eventId}, ${e.dispatchId}, ${e.accountId}, ${e.projectId}, ${e.endpointId},
      ${e.eventType}, ${e.url}, ${e.attemptNumber}, ${e.outcome}, ${e.statusCode}, ${e.responseBody}, ${e.error},
      ${e.errorCategory}, ${e.durationMs}, ${e.processingOverheadUs}, ${ts(e.attemptedAt)}, ${ts(e.eventCreatedAt)})
    ON CONFLICT (id) DO NOTHING`);
  const state = e.disposition === 'delivered' ? 'delivered' : e.disposition === 'dead' ? 'dead' : 'retrying';
  await tx.query(sql.unsafe`
    UPDATE event_destinations SET state = ${state}, attempts = attempts + 1 WHERE dispatch_id = ${e.dispatchId}`);
  // Fold the destinations' progress into the event's status (services/domain/events/status.ts).
  await tx.query(sql.unsafe`
    WITH p AS (
      SELECT count(*) FILTER (WHERE state = 'delivered') AS delivered,
             count(*) FILTER (WHERE state = 'dead') AS dead,
             count(*) FILTER (WHERE state = 'retrying') AS retrying
      FROM event_destinations WHERE event_id = ${e.eventId}
    )
    UPDATE events SET
      attempts = attempts + 1,
      dest_delivered = p.delivered, dest_dead = p.dead, dest_retrying = p.retrying,
      status = CASE
        WHEN p.delivered + p.dead >= coalesce(dest_total, 2147483647) THEN CASE WHEN p.dead > 0 THEN 'dead' ELSE 'delivered' END
        WHEN p.retrying > 0 THEN 'failed'
        ELSE 'delivering' END,
      delivered_at = CASE WHEN p.delivered >= coalesce(dest_total, 2147483647) THEN ${ts(e.attemptedAt)} ELSE delivered_at END,
      updated_at = ${ts(e.attemptedAt)}
    FROM p WHERE events.id = ${e.eventId}`);
}
