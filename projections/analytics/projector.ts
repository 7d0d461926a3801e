import { sql, type DatabaseTransactionConnection, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';
import { withDurations } from '../../services/analytics/domain/latency.ts';
import { FAILURE_CATEGORIES, tallyOf, type Tally } from '../../services/analytics/domain/tally.ts';
import type { DomainEvent } from '../../services/capabilities.ts';
import type { DeliveryAttempted } from '../../services/deliveries/domain/messages.ts';
import type { EventAccepted } from '../../services/events/domain/messages.ts';
import type { Projection } from '../../services/platform/projection/runner.ts';
import { rowsJson } from '../events/projector.ts';

/** analytics_hourly's column of a failure category. */
export const failColumn = (c: string) => `fail_${c}`;
/** analytics_hourly's counters, each the sum of what its records added. */
export const COUNTERS = ['accepted', 'dispatched', 'delivered', 'retried', 'dead', 'cancelled', 'failed', ...FAILURE_CATEGORIES.map(failColumn)];
const atMs = (ms: FragmentSqlToken) => sql.fragment`(timestamptz 'epoch' + ${ms} * interval '1 millisecond')`;

const sketchRow = z.object({ project_id: z.string(), endpoint: z.string(), hour_ms: z.number(), sketch: z.string().nullable(), latencies: z.array(z.number()) });

const isCounted = (e: DomainEvent): e is EventAccepted | DeliveryAttempted => e.type === 'EventAccepted' || e.type === 'DeliveryAttempted';

/**
 * analytics_counted and analytics_hourly, from the events topic (EventAccepted, the others
 * skipped undecoded) and the outcomes topic (DeliveryAttempted). A batch is two statements:
 * the first inserts the ids of its records not counted before, adds only those to their
 * (project, endpoint, hour) rows and answers, for the rows that got new network attempts, the
 * stored latency sketch and the new durations; the second writes the sketches with them added.
 * So a record applied again changes nothing, and the row's lock, taken by the first statement's
 * upsert, holds the sketch's read-modify-write. Batches of different partitions add to the same
 * rows (a project's direct destinations take accepted events and attempts alike): rows are
 * taken in key order, so they wait on each other instead of deadlocking.
 */
export function analyticsProjection(topics: { events: string; outcomes: string }): Projection {
  return {
    name: 'analytics',
    topics: [topics.events, topics.outcomes],
    types: ['EventAccepted', 'DeliveryAttempted'],
    tables: ['analytics_counted', 'analytics_hourly'],
    async apply(tx, events) {
      const tallies = new Map<string, Tally>();
      for (const e of events.filter(isCounted)) {
        const t = tallyOf(e);
        tallies.set(t.id, t);
      }
      if (tallies.size === 0) return;
      const sketches = await count(tx, [...tallies.values()]);
      if (sketches.length === 0) return;
      await tx.query(sql.unsafe`
        UPDATE analytics_hourly h SET latency_sketch = decode(t.sketch, 'base64')
        FROM json_to_recordset(${rowsJson(sketches.map((r) => ({
          project_id: r.project_id, endpoint: r.endpoint, hour_ms: r.hour_ms,
          sketch: Buffer.from(withDurations(r.sketch === null ? null : Buffer.from(r.sketch, 'base64'), r.latencies)).toString('base64'),
        })))}) AS t(project_id uuid, endpoint text, hour_ms int8, sketch text)
        WHERE h.project_id = t.project_id AND h.endpoint_key = t.endpoint AND h.hour = ${atMs(sql.fragment`t.hour_ms`)}`);
    },
  };
}

/** The first statement: counts the records not counted before; answers the rows whose sketch takes new durations. */
function count(tx: DatabaseTransactionConnection, tallies: Tally[]) {
  const fails = FAILURE_CATEGORIES.map((c) => sql.fragment`count(*) FILTER (WHERE failure = ${c})`);
  const adds = COUNTERS.map((c) => sql.fragment`${sql.identifier([c])} = analytics_hourly.${sql.identifier([c])} + EXCLUDED.${sql.identifier([c])}`);
  return tx.any(sql.type(sketchRow)`
    WITH t AS (
      SELECT * FROM json_to_recordset(${rowsJson(tallies.map((t) => ({
        id: t.id, hour_ms: t.hour, account_id: t.accountId, project_id: t.projectId, endpoint: t.endpoint, accepted: t.accepted,
        dispatched: t.dispatched, ended: t.end, failure: t.failure, latency_ms: t.latencyMs, at_ms: t.at })))})
        AS t(id uuid, hour_ms int8, account_id uuid, project_id uuid, endpoint text, accepted int4, dispatched int4,
             ended text, failure text, latency_ms int4, at_ms int8)
    ), fresh AS (
      INSERT INTO analytics_counted (hour, record_id)
      SELECT ${atMs(sql.fragment`t.hour_ms`)}, t.id FROM t
      ON CONFLICT DO NOTHING
      RETURNING record_id
    ), counted AS (
      SELECT t.* FROM t JOIN fresh ON fresh.record_id = t.id
    ), hourly AS (
      INSERT INTO analytics_hourly (project_id, endpoint_key, hour, account_id, ${sql.join(COUNTERS.map((c) => sql.identifier([c])), sql.fragment`, `)},
                                    last_success_at, last_failure_at, latency_sketch)
      SELECT project_id, endpoint, ${atMs(sql.fragment`hour_ms`)}, account_id, sum(accepted), sum(dispatched),
             count(*) FILTER (WHERE ended = 'delivered'), count(*) FILTER (WHERE ended = 'retried'),
             count(*) FILTER (WHERE ended = 'dead'), count(*) FILTER (WHERE ended = 'cancelled'),
             count(*) FILTER (WHERE failure IS NOT NULL), ${sql.join(fails, sql.fragment`, `)},
             ${atMs(sql.fragment`max(at_ms) FILTER (WHERE ended = 'delivered')`)}, ${atMs(sql.fragment`max(at_ms) FILTER (WHERE failure IS NOT NULL)`)}, NULL
      FROM counted
      GROUP BY project_id, endpoint, hour_ms, account_id
      ORDER BY project_id, endpoint, hour_ms
      ON CONFLICT (project_id, endpoint_key, hour) DO UPDATE SET ${sql.join(adds, sql.fragment`, `)},
        last_success_at = greatest(analytics_hourly.last_success_at, EXCLUDED.last_success_at),
        last_failure_at = greatest(analytics_hourly.last_failure_at, EXCLUDED.last_failure_at)
      RETURNING project_id, endpoint_key, hour, latency_sketch
    ), samples AS (
      SELECT project_id, endpoint, hour_ms, json_agg(latency_ms) AS latencies
      FROM counted WHERE latency_ms IS NOT NULL GROUP BY project_id, endpoint, hour_ms
    )
    SELECT s.project_id::text, s.endpoint, s.hour_ms::float8 AS hour_ms, encode(h.latency_sketch, 'base64') AS sketch, s.latencies
    FROM samples s JOIN hourly h ON h.project_id = s.project_id AND h.endpoint_key = s.endpoint AND h.hour = ${atMs(sql.fragment`s.hour_ms`)}`);
}
