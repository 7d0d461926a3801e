import { sql, type DatabaseTransactionConnection, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';
import { withDurations } from '../../services/analytics/domain/latency.ts';
import { DAY_MS } from '../../services/analytics/domain/range.ts';
import { FAILURE_CATEGORIES, tallyOf, type Tally } from '../../services/analytics/domain/tally.ts';
import type { DomainEvent } from '../../services/capabilities.ts';
import type { DeliveryAttempted } from '../../services/deliveries/domain/messages.ts';
import type { EventAccepted } from '../../services/events/domain/messages.ts';
import type { Projection } from '../../services/platform/projection/runner.ts';
import { rowsJson } from '../events/projector.ts';

/** analytics_hourly's (and analytics_daily's) column of a failure category. */
export const failColumn = (c: string) => `fail_${c}`;
/** analytics_hourly's counters, each the sum of what its records added. */
export const COUNTERS = ['accepted', 'dispatched', 'delivered', 'retried', 'dead', 'cancelled', 'failed', ...FAILURE_CATEGORIES.map(failColumn)];
const atMs = (ms: FragmentSqlToken) => sql.fragment`(timestamptz 'epoch' + ${ms} * interval '1 millisecond')`;

const sketchRow = z.object({ span: z.enum(['hour', 'day']), project_id: z.string(), endpoint: z.string(), at_ms: z.number(), sketch: z.string().nullable(), latencies: z.array(z.number()) });

const isCounted = (e: DomainEvent): e is EventAccepted | DeliveryAttempted => e.type === 'EventAccepted' || e.type === 'DeliveryAttempted';

/** endpoint_key of a project's rows over every endpoint and the direct destinations (not a uuid, nor ''). */
export const ALL_ENDPOINTS = '*';

/** The two tables a record adds to, each under its endpoint and under ALL_ENDPOINTS: its hour and its day. */
const SPANS = [
  { span: 'hour', table: 'analytics_hourly', column: 'hour', ms: 'hour_ms' },
  { span: 'day', table: 'analytics_daily', column: 'day', ms: 'day_ms' },
] as const;
type Span = (typeof SPANS)[number];

/**
 * analytics_hourly and analytics_daily, from the events topic (EventAccepted, the others skipped
 * undecoded) and the outcomes topic (DeliveryAttempted). Each record adds to four rows: its
 * (project, endpoint, hour) and (project, endpoint, day), and the same under ALL_ENDPOINTS, so
 * that a long or all-endpoint range reads a row a day or an hour (queries.ts) instead of one per
 * endpoint and hour. A batch is two statements: the first adds the records to their rows and
 * answers, for the rows that got new network attempts, the stored latency sketch and the new
 * durations; the second writes the sketches with them added. The rows' locks, taken by the
 * first statement's upserts, hold the sketches' read-modify-write. Batches of different
 * partitions add to the same rows (the '*' rows above all): each table's rows are taken in key
 * order, the tables in one order, so they wait on each other instead of deadlocking.
 *
 * Counting is not idempotent by itself: the projection is applied once per log position
 * (oncePerPosition; projections/usage/count-once.ts says why that is once per record).
 */
export function analyticsProjection(topics: { events: string; outcomes: string }): Projection {
  return {
    name: 'analytics',
    topics: [topics.events, topics.outcomes],
    types: ['EventAccepted', 'DeliveryAttempted'],
    tables: ['analytics_hourly', 'analytics_daily'],
    oncePerPosition: true,
    async apply(tx, events) {
      const tallies = events.filter(isCounted).map(tallyOf);
      if (tallies.length === 0) return;
      const sketches = await count(tx, tallies);
      if (sketches.length === 0) return;
      const rows = (span: Span['span']) => rowsJson(sketches.filter((r) => r.span === span).map((r) => ({
        project_id: r.project_id, endpoint: r.endpoint, at_ms: r.at_ms,
        sketch: Buffer.from(withDurations(r.sketch === null ? null : Buffer.from(r.sketch, 'base64'), r.latencies)).toString('base64'),
      })));
      const [hourly, daily] = SPANS.map((s) => sql.fragment`
        UPDATE ${sql.identifier([s.table])} r SET latency_sketch = decode(t.sketch, 'base64')
        FROM json_to_recordset(${rows(s.span)}) AS t(project_id uuid, endpoint text, at_ms int8, sketch text)
        WHERE r.project_id = t.project_id AND r.endpoint_key = t.endpoint AND r.${sql.identifier([s.column])} = ${atMs(sql.fragment`t.at_ms`)}`);
      await tx.query(sql.unsafe`WITH hourly AS (${hourly!} RETURNING 1) ${daily!}`);
    },
  };
}

/** One table's upsert of the batch's counts, from `keyed` (the records under both their endpoint keys); answers the rows' stored sketches. */
function upsert(s: Span) {
  const fails = FAILURE_CATEGORIES.map((c) => sql.fragment`count(*) FILTER (WHERE failure = ${c})`);
  const adds = COUNTERS.map((c) => sql.fragment`${sql.identifier([c])} = ${sql.identifier([s.table, c])} + EXCLUDED.${sql.identifier([c])}`);
  const [table, column, ms] = [sql.identifier([s.table]), sql.identifier([s.column]), sql.identifier([s.ms])];
  return sql.fragment`
      INSERT INTO ${table} (project_id, endpoint_key, ${column}, account_id, ${sql.join(COUNTERS.map((c) => sql.identifier([c])), sql.fragment`, `)},
                            last_success_at, last_failure_at, latency_sketch)
      SELECT project_id, endpoint_key, ${atMs(sql.fragment`${ms}`)}, account_id, sum(accepted), sum(dispatched),
             count(*) FILTER (WHERE ended = 'delivered'), count(*) FILTER (WHERE ended = 'retried'),
             count(*) FILTER (WHERE ended = 'dead'), count(*) FILTER (WHERE ended = 'cancelled'),
             count(*) FILTER (WHERE failure IS NOT NULL), ${sql.join(fails, sql.fragment`, `)},
             ${atMs(sql.fragment`max(at_ms) FILTER (WHERE ended = 'delivered')`)}, ${atMs(sql.fragment`max(at_ms) FILTER (WHERE failure IS NOT NULL)`)}, NULL
      FROM keyed
      GROUP BY project_id, endpoint_key, ${ms}, account_id
      ORDER BY project_id, endpoint_key, ${ms}
      ON CONFLICT (project_id, endpoint_key, ${column}) DO UPDATE SET ${sql.join(adds, sql.fragment`, `)},
        last_success_at = greatest(${sql.identifier([s.table, 'last_success_at'])}, EXCLUDED.last_success_at),
        last_failure_at = greatest(${sql.identifier([s.table, 'last_failure_at'])}, EXCLUDED.last_failure_at)
      RETURNING project_id, endpoint_key, extract(epoch FROM ${column}) * 1000 AS at_ms, latency_sketch`;
}

/** The first statement: adds the records to their rows; answers the rows whose sketch takes new durations. */
function count(tx: DatabaseTransactionConnection, tallies: Tally[]) {
  return tx.any(sql.type(sketchRow)`
    WITH t AS (
      SELECT * FROM json_to_recordset(${rowsJson(tallies.map((t) => ({
        hour_ms: t.hour, day_ms: Math.floor(t.hour / DAY_MS) * DAY_MS, account_id: t.accountId, project_id: t.projectId, endpoint: t.endpoint,
        accepted: t.accepted, dispatched: t.dispatched, ended: t.end, failure: t.failure, latency_ms: t.latencyMs, at_ms: t.at })))})
        AS t(hour_ms int8, day_ms int8, account_id uuid, project_id uuid, endpoint text, accepted int4, dispatched int4,
             ended text, failure text, latency_ms int4, at_ms int8)
    ), keyed AS (
      SELECT t.*, k.endpoint_key FROM t CROSS JOIN LATERAL (VALUES (t.endpoint), (${ALL_ENDPOINTS})) AS k(endpoint_key)
    ), hourly AS (${upsert(SPANS[0])}
    ), daily AS (${upsert(SPANS[1])}
    ), samples AS (
      SELECT project_id, endpoint_key, hour_ms, day_ms, latency_ms FROM keyed WHERE latency_ms IS NOT NULL
    )
    SELECT 'hour' AS span, s.project_id::text, s.endpoint_key AS endpoint, s.hour_ms::float8 AS at_ms, encode(h.latency_sketch, 'base64') AS sketch,
           json_agg(s.latency_ms) AS latencies
    FROM samples s JOIN hourly h ON h.project_id = s.project_id AND h.endpoint_key = s.endpoint_key AND h.at_ms = s.hour_ms
    GROUP BY s.project_id, s.endpoint_key, s.hour_ms, h.latency_sketch
    UNION ALL
    SELECT 'day', s.project_id::text, s.endpoint_key, s.day_ms::float8, encode(d.latency_sketch, 'base64'), json_agg(s.latency_ms)
    FROM samples s JOIN daily d ON d.project_id = s.project_id AND d.endpoint_key = s.endpoint_key AND d.at_ms = s.day_ms
    GROUP BY s.project_id, s.endpoint_key, s.day_ms, d.latency_sketch`);
}
