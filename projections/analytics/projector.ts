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
import { shardOf } from '../shared/shard.ts';

/** analytics_hourly's (and analytics_daily's) column of a failure category. */
export const failColumn = (c: string) => `fail_${c}`;
/** analytics_hourly's counters, each the sum of what its records added. */
export const COUNTERS = ['accepted', 'dispatched', 'delivered', 'retried', 'dead', 'cancelled', 'failed', ...FAILURE_CATEGORIES.map(failColumn)];
const atMs = (ms: FragmentSqlToken) => sql.fragment`(timestamptz 'epoch' + ${ms} * interval '1 millisecond')`;

const storedRow = z.object({ span: z.enum(['hour', 'day']), project_id: z.string(), endpoint: z.string(), at_ms: z.number(), sketch: z.string().nullable() });

const isCounted = (e: DomainEvent): e is EventAccepted | DeliveryAttempted => e.type === 'EventAccepted' || e.type === 'DeliveryAttempted';

/** endpoint_key of a project's rows over every endpoint and the direct destinations: not a uuid (what ?endpointId= takes), nor ''. */
export const ALL_ENDPOINTS = '*';

/** The two tables a record adds to, each under its endpoint and under ALL_ENDPOINTS: its hour and its day. */
const SPANS = [
  { span: 'hour', table: 'analytics_hourly', column: 'hour' },
  { span: 'day', table: 'analytics_daily', column: 'day' },
] as const;
type Span = (typeof SPANS)[number];

/**
 * analytics_hourly and analytics_daily, from the events topic (EventAccepted, the others skipped
 * undecoded) and the outcomes topic (DeliveryAttempted). Each record adds to four rows: its
 * (project, endpoint, hour) and (project, endpoint, day), and the same under ALL_ENDPOINTS, so
 * that a long or all-endpoint range reads a row a day or an hour (queries.ts) instead of one per
 * endpoint and hour. The batch is summed per row here (rowAdds); then two statements: the first
 * adds the sums to their rows and answers, for the rows that got new network attempts, their
 * stored latency sketch; the second writes the sketches with the new durations added. The rows'
 * locks, taken by the first statement's upserts, hold the sketches' read-modify-write. Every row
 * is the batch's shard's (its partition and topic: projections/shared/shard.ts, migration 25),
 * so batches of different partitions applied at once never add to the same row; each table's
 * rows are still taken in key order, the tables in one order.
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
    async apply(tx, events, source) {
      const tallies = events.filter(isCounted).map(tallyOf);
      if (tallies.length === 0) return;
      const shard = shardOf([topics.events, topics.outcomes], source);
      const sketches = await count(tx, tallies, shard);
      if (sketches.length === 0) return;
      const rows = (span: Span['span']) => rowsJson(sketches.filter((r) => r.span === span).map((r) => ({
        project_id: r.project_id, endpoint: r.endpoint, at_ms: r.at_ms,
        sketch: Buffer.from(withDurations(r.sketch === null ? null : Buffer.from(r.sketch, 'base64'), r.latencies)).toString('base64'),
      })));
      const [hourly, daily] = SPANS.map((s) => sql.fragment`
        UPDATE ${sql.identifier([s.table])} r SET latency_sketch = decode(t.sketch, 'base64')
        FROM json_to_recordset(${rows(s.span)}) AS t(project_id uuid, endpoint text, at_ms int8, sketch text)
        WHERE r.project_id = t.project_id AND r.endpoint_key = t.endpoint AND r.${sql.identifier([s.column])} = ${atMs(sql.fragment`t.at_ms`)}
          AND r.shard = ${shard}`);
      await tx.query(sql.unsafe`WITH hourly AS (${hourly!} RETURNING 1) ${daily!}`);
    },
  };
}

/** What a batch adds to one row: its key, its counters, its latest success and failure, its new durations. */
type RowAdd = {
  span: Span['span']; project_id: string; endpoint: string; at_ms: number; account_id: string;
  counts: Record<string, number>; success_ms: number | null; failure_ms: number | null; latencies: number[];
};

/**
 * The batch summed per row it adds to (each record under its endpoint and ALL_ENDPOINTS, in its
 * hour and its day), in key order: summed here rather than grouped by Postgres, which every
 * partition's projector shares.
 */
function rowAdds(tallies: readonly Tally[]): RowAdd[] {
  const rows = new Map<string, RowAdd>();
  for (const t of tallies) {
    for (const s of SPANS) {
      const at = s.span === 'hour' ? t.hour : Math.floor(t.hour / DAY_MS) * DAY_MS;
      for (const endpoint of [t.endpoint, ALL_ENDPOINTS]) {
        const key = `${s.span}|${t.projectId}|${endpoint}|${at}`;
        let r = rows.get(key);
        if (r === undefined) {
          r = { span: s.span, project_id: t.projectId, endpoint, at_ms: at, account_id: t.accountId, counts: Object.fromEntries(COUNTERS.map((c) => [c, 0])), success_ms: null, failure_ms: null, latencies: [] };
          rows.set(key, r);
        }
        add(r, t);
      }
    }
  }
  const order = (r: RowAdd) => [r.project_id, r.endpoint, String(r.at_ms).padStart(16, '0')].join('|');
  return [...rows.values()].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
}

function add(r: RowAdd, t: Tally): void {
  r.counts.accepted! += t.accepted;
  r.counts.dispatched! += t.dispatched;
  if (t.end !== null) r.counts[t.end]! += 1;
  if (t.failure !== null) {
    r.counts.failed! += 1;
    r.counts[failColumn(t.failure)]! += 1;
    r.failure_ms = Math.max(r.failure_ms ?? t.at, t.at);
  }
  if (t.end === 'delivered') r.success_ms = Math.max(r.success_ms ?? t.at, t.at);
  if (t.latencyMs !== null) r.latencies.push(t.latencyMs);
}

/** One table's upsert of its rows of `t` (the batch's RowAdds); answers the stored sketches of the rows that take new durations. */
function upsert(s: Span, shard: number) {
  const adds = COUNTERS.map((c) => sql.fragment`${sql.identifier([c])} = ${sql.identifier([s.table, c])} + EXCLUDED.${sql.identifier([c])}`);
  const [table, column] = [sql.identifier([s.table]), sql.identifier([s.column])];
  const at = (ms: string) => atMs(sql.fragment`${sql.identifier(['t', ms])}`);
  return sql.fragment`
      INSERT INTO ${table} (project_id, endpoint_key, ${column}, shard, account_id, ${sql.join(COUNTERS.map((c) => sql.identifier([c])), sql.fragment`, `)},
                            last_success_at, last_failure_at, latency_sketch)
      SELECT t.project_id, t.endpoint, ${at('at_ms')}, ${shard}, t.account_id, ${sql.join(COUNTERS.map((c) => sql.fragment`(t.counts->>${c})::int8`), sql.fragment`, `)},
             ${at('success_ms')}, ${at('failure_ms')}, NULL
      FROM t WHERE t.span = ${s.span} ORDER BY t.ord
      ON CONFLICT (project_id, endpoint_key, ${column}, shard) DO UPDATE SET ${sql.join(adds, sql.fragment`, `)},
        last_success_at = greatest(${sql.identifier([s.table, 'last_success_at'])}, EXCLUDED.last_success_at),
        last_failure_at = greatest(${sql.identifier([s.table, 'last_failure_at'])}, EXCLUDED.last_failure_at)
      RETURNING project_id, endpoint_key, (extract(epoch FROM ${column}) * 1000)::int8 AS at_ms, latency_sketch`;
}

/** The first statement: adds the batch to its rows; answers the rows whose sketch takes new durations, with the sketch stored. */
async function count(tx: DatabaseTransactionConnection, tallies: readonly Tally[], shard: number) {
  const rows = rowAdds(tallies);
  const stored = await tx.any(sql.type(storedRow)`
    WITH t AS (
      SELECT * FROM json_to_recordset(${sql.fragment`${JSON.stringify(rows.map((r, ord) => ({ ...r, ord, latencies: undefined, sampled: r.latencies.length > 0 })))}::json`})
        AS t(ord int4, span text, project_id uuid, endpoint text, at_ms int8, account_id uuid, counts json, success_ms int8, failure_ms int8, sampled bool)
    ), hourly AS (${upsert(SPANS[0], shard)}
    ), daily AS (${upsert(SPANS[1], shard)}
    ), written AS (
      SELECT 'hour' AS span, * FROM hourly UNION ALL SELECT 'day', * FROM daily
    )
    SELECT w.span, w.project_id::text, w.endpoint_key AS endpoint, w.at_ms::float8 AS at_ms, encode(w.latency_sketch, 'base64') AS sketch
    FROM written w JOIN t ON t.sampled AND t.span = w.span AND t.project_id = w.project_id AND t.endpoint = w.endpoint_key AND t.at_ms = w.at_ms`);
  const sketchOf = new Map(stored.map((r) => [`${r.span}|${r.project_id}|${r.endpoint}|${r.at_ms}`, r.sketch]));
  return rows.filter((r) => r.latencies.length > 0).map((r) => ({
    span: r.span, project_id: r.project_id, endpoint: r.endpoint, at_ms: r.at_ms, latencies: r.latencies,
    sketch: sketchOf.get(`${r.span}|${r.project_id}|${r.endpoint}|${r.at_ms}`) ?? null,
  }));
}
