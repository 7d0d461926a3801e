import { sql, type DatabaseTransactionConnection } from 'slonik';
import type { DeliveryAttempted } from '../../services/deliveries/domain/messages.ts';
import type { DeliveryQueuedForPoll } from '../../services/poll/domain/messages.ts';
import { ts } from '../events/projector.ts';
import { payloadColumn, sealedOf } from '../../services/data-keys/fields.ts';
import type { Projection } from '../../services/platform/projection/runner.ts';

/** Avro decodes records as class instances; the JSON column wants plain objects. */
const plain = (o: object) => JSON.parse(JSON.stringify(o));

/**
 * poll_messages, from the outcomes topic: a row per dispatch queued for a poll-mode endpoint,
 * marked acked when its ack (a delivered DeliveryAttempted of that dispatch) comes by. Both are
 * keyed by event id, so for one event they arrive in the order they were appended.
 */
export function pollProjection(topics: { outcomes: string }): Projection {
  return {
    name: 'poll',
    topics: [topics.outcomes],
    tables: ['poll_messages'],
    async apply(tx, events) {
      // Acks are applied set-wise, one statement per run of them; a queued dispatch flushes the
      // acks before it, so the result is that of applying the events one by one.
      let acks: DeliveryAttempted[] = [];
      for (const e of events) {
        if (e.type === 'DeliveryQueuedForPoll') {
          await acked(tx, acks);
          acks = [];
          await queued(tx, e);
        } else if (e.type === 'DeliveryAttempted' && e.disposition === 'delivered') acks.push(e);
      }
      await acked(tx, acks);
    },
  };
}

/**
 * A replay queues a new dispatch of the event for the same endpoint; it supersedes the older,
 * unacked one (replays only re-send undelivered destinations), so a consumer gets the event once.
 * The older one delivered again after it is superseded already and changes nothing: without that
 * check it deleted the replay's message and queued itself again.
 */
async function queued(tx: DatabaseTransactionConnection, e: DeliveryQueuedForPoll) {
  const superseded = await tx.exists(sql.unsafe`
    SELECT 1 FROM poll_messages WHERE event_id = ${e.eventId} AND endpoint_id = ${e.endpointId} AND queued_at > ${ts(e.queuedAt)}`);
  if (superseded) return;
  await tx.query(sql.unsafe`
    DELETE FROM poll_messages
    WHERE event_id = ${e.eventId} AND endpoint_id = ${e.endpointId} AND id <> ${e.dispatchId} AND acked_at IS NULL`);
  await tx.query(sql.unsafe`
    INSERT INTO poll_messages (id, event_id, account_id, project_id, endpoint_id, event_type, url, payload, headers,
                               max_attempts, event_created_at, queued_at)
    VALUES (${e.dispatchId}, ${e.eventId}, ${e.accountId}, ${e.projectId}, ${e.endpointId}, ${e.eventType}, ${sealedOf(e, 'url')},
            ${payloadColumn(sealedOf(e, 'payload'))}::json, ${sql.jsonb(plain(sealedOf(e, 'headers')))}, ${e.maxAttempts}, ${ts(e.eventCreatedAt)}, ${ts(e.queuedAt)})
    ON CONFLICT (id) DO NOTHING`);
}

/**
 * Only rows of poll dispatches match; attempts of pushed dispatches change nothing here. A
 * dispatch is acked once (the first delivered attempt), so the earliest ack of each id is kept.
 */
async function acked(tx: DatabaseTransactionConnection, acks: DeliveryAttempted[]) {
  if (acks.length === 0) return;
  const first = new Map<string, number>();
  for (const e of acks) if (!first.has(e.dispatchId)) first.set(e.dispatchId, e.attemptedAt);
  await tx.query(sql.unsafe`
    UPDATE poll_messages SET acked_at = (timestamptz 'epoch' + t.acked_ms * interval '1 millisecond')
    FROM ${sql.unnest([...first].map(([id, at]) => [id, at]), ['uuid', 'int8'])} AS t(id, acked_ms)
    WHERE poll_messages.id = t.id AND poll_messages.acked_at IS NULL`);
}
