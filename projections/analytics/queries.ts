import { sql, type DatabasePool, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';
import type { EndpointHealthOf, EndpointRange, HourCounts, HourSketch } from '../../services/analytics/domain/reports.ts';
import { FAILURE_CATEGORIES, type FailureCategory } from '../../services/analytics/domain/tally.ts';
import type { Scope } from '../events/queries.ts';
import { ts } from '../events/projector.ts';
import { openStoredText } from '../../services/data-keys/fields.ts';
import { DAY_MS, type Granularity } from '../../services/analytics/domain/range.ts';
import { ALL_ENDPOINTS, COUNTERS, failColumn } from './projector.ts';

const hourRow = z.object({ hour: z.number() }).catchall(z.number());
const sketchRow = z.object({ hour: z.number(), endpoint: z.string(), sketch: z.string() });
const rangeRow = z.object({ endpoint: z.string(), delivered: z.number(), failed: z.number(), sketches: z.string() });
const endpointRow = z.object({
  endpoint_id: z.string(), url: z.string(), circuit_state: z.enum(['closed', 'open', 'half_open']),
  last_success_at: z.number().nullable(), last_failure_at: z.number().nullable(),
});

/**
 * The hours [firstHour, endHour) of the caller's project, of one endpoint or all (epoch ms, whole
 * UTC hours). `granularity` is the coarsest rows the answer may be summed from: 'hour' when it
 * is bucketed by hour; 'day' when by day or not bucketed, so whole days come from one row each.
 */
export type HoursQuery = { firstHour: number; endHour: number; endpointId?: string; granularity: Granularity };

/** A stretch of a range answered from one table: its rows [from, to). */
type Piece = { table: 'analytics_hourly' | 'analytics_daily'; column: 'hour' | 'day'; from: number; to: number };

/**
 * The rows that answer the range exactly, fewest first: its whole UTC days from analytics_daily
 * (when days may be summed) and the hours before the first and after the last from
 * analytics_hourly. A 30-day range is 29 or 30 days and at most 47 hours.
 */
export function piecesOf(q: Pick<HoursQuery, 'firstHour' | 'endHour' | 'granularity'>): Piece[] {
  const hours = (from: number, to: number): Piece[] => (from < to ? [{ table: 'analytics_hourly', column: 'hour', from, to }] : []);
  const firstDay = Math.ceil(q.firstHour / DAY_MS) * DAY_MS;
  const endDay = Math.floor(q.endHour / DAY_MS) * DAY_MS;
  if (q.granularity === 'hour' || firstDay >= endDay) return hours(q.firstHour, q.endHour);
  return [{ table: 'analytics_daily', column: 'day', from: firstDay, to: endDay }, ...hours(q.firstHour, firstDay), ...hours(endDay, q.endHour)];
}

/** `select` (of a row `r` with its start as `at`) from every piece of the range, one UNION ALL. */
function fromPieces(q: HoursQuery, where: FragmentSqlToken, select: (p: Piece) => FragmentSqlToken) {
  return sql.join(everyPiece(q).map((p) => fromPiece(p, where, select)), sql.fragment` UNION ALL `);
}

/** The range's pieces; an empty range (from = to on an hour's start) has none, and one that matches no row keeps the SQL whole. */
function everyPiece(q: HoursQuery): Piece[] {
  const pieces = piecesOf(q);
  return pieces.length > 0 ? pieces : [{ table: 'analytics_hourly', column: 'hour', from: q.firstHour, to: q.firstHour }];
}

function fromPiece(p: Piece, where: FragmentSqlToken, select: (p: Piece) => FragmentSqlToken) {
  return sql.fragment`
    SELECT ${select(p)} FROM ${sql.identifier([p.table])} r
    WHERE ${where} AND r.${sql.identifier([p.column])} >= ${ts(p.from)} AND r.${sql.identifier([p.column])} < ${ts(p.to)}`;
}

/** The rows of the caller's project and of the endpoint asked for, or its ALL_ENDPOINTS rows. */
const scoped = (scope: Scope, q: HoursQuery) => sql.fragment`r.account_id = ${scope.accountId} AND r.project_id = ${scope.projectId}
  AND r.endpoint_key = ${q.endpointId ?? ALL_ENDPOINTS}`;
const at = (p: Piece) => sql.fragment`r.${sql.identifier([p.column])} AS hour`;

/** Every hour (or whole day, with granularity 'day') of the range that counted something, of the endpoints asked for, in order. */
export async function hourlyCounts(db: DatabasePool, scope: Scope, q: HoursQuery): Promise<HourCounts[]> {
  // An hour's (or day's) shards (migration 25) summed into one row.
  const cols = COUNTERS.map((c) => sql.fragment`r.${sql.identifier([c])}`);
  const sums = COUNTERS.map((c) => sql.fragment`sum(u.${sql.identifier([c])})::float8 AS ${sql.identifier([c])}`);
  const rows = await db.any(sql.type(hourRow)`
    SELECT u.hour, ${sql.join(sums, sql.fragment`, `)}
    FROM (${fromPieces(q, scoped(scope, q), (p) => sql.fragment`${at(p)}, ${sql.join(cols, sql.fragment`, `)}`)}) u GROUP BY u.hour ORDER BY u.hour`);
  return rows.map((r) => ({
    hour: r.hour, accepted: r.accepted!, dispatched: r.dispatched!, delivered: r.delivered!, retried: r.retried!, dead: r.dead!,
    cancelled: r.cancelled!, failed: r.failed!,
    failures: Object.fromEntries(FAILURE_CATEGORIES.map((c) => [c, r[failColumn(c)]!])) as Record<FailureCategory, number>,
  }));
}

/** The latency sketches of the range's hours (or whole days), of the endpoints asked for together (endpoint ALL_ENDPOINTS) or of the one. */
export async function hourlySketches(db: DatabasePool, scope: Scope, q: HoursQuery): Promise<HourSketch[]> {
  return sketchesWhere(db, q, sql.fragment`${scoped(scope, q)} AND r.latency_sketch IS NOT NULL`);
}

async function sketchesWhere(db: DatabasePool, q: HoursQuery, where: FragmentSqlToken): Promise<HourSketch[]> {
  const rows = await db.any(sql.type(sketchRow)`${fromPieces(q, where, (p) => sql.fragment`${at(p)}, r.endpoint_key AS endpoint, encode(r.latency_sketch, 'base64') AS sketch`)}`);
  return rows.map((r) => ({ hour: r.hour, endpoint: r.endpoint, sketch: Buffer.from(r.sketch, 'base64') }));
}

/**
 * Each endpoint's attempts in the range ('' for the direct destinations; one, with endpointId),
 * in endpoint order: delivered and failed summed over the range's rows and their shards, and
 * their latency sketches, one value a piece holding them one after another (mergeSketches reads them so). What endpoint health
 * reads: a 30-day answer over 50 endpoints is ~16,000 rows (a day's or an end hour's row per
 * shard). Postgres sums them and concatenates the sketches (string_agg), a row an endpoint per
 * piece of the range, the pieces asked at once: read as a row each, parsing them cost more
 * than the query, and one statement is one backend on one core.
 */
export async function endpointRanges(db: DatabasePool, scope: Scope, q: HoursQuery): Promise<EndpointRange[]> {
  const where = sql.fragment`r.account_id = ${scope.accountId} AND r.project_id = ${scope.projectId}
    AND ${q.endpointId === undefined ? sql.fragment`r.endpoint_key <> ${ALL_ENDPOINTS}` : sql.fragment`r.endpoint_key = ${q.endpointId}`}`;
  const pieces = await Promise.all(everyPiece(q).map((p) => db.any(sql.type(rangeRow)`
    SELECT u.endpoint, sum(u.delivered)::float8 AS delivered, sum(u.failed)::float8 AS failed,
           encode(coalesce(string_agg(u.latency_sketch, ''::bytea), ''::bytea), 'base64') AS sketches
    FROM (${fromPiece(p, where, () => sql.fragment`r.endpoint_key AS endpoint, r.delivered, r.failed, r.latency_sketch`)}) u
    GROUP BY u.endpoint`)));
  const byEndpoint = new Map<string, EndpointRange>();
  for (const r of pieces.flat()) {
    const e = byEndpoint.get(r.endpoint) ?? { endpoint: r.endpoint, delivered: 0, failed: 0, sketches: [] };
    e.delivered += r.delivered;
    e.failed += r.failed;
    e.sketches.push(Buffer.from(r.sketches, 'base64'));
    byEndpoint.set(r.endpoint, e);
  }
  return [...byEndpoint.values()].sort((a, b) => (a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0));
}

/**
 * The project's endpoints (not deleted; one, with endpointId) in the order they were created,
 * with their circuit as the endpoints read model has it and their latest success and failure
 * ever (each the newest day's that has one: a day's row keeps the latest of its hours, and the
 * latest of the day's shards is taken).
 */
export async function endpointsOfHealth(db: DatabasePool, scope: Scope, q: Pick<HoursQuery, 'endpointId'>): Promise<EndpointHealthOf[]> {
  const rows = await db.any(sql.type(endpointRow)`
    SELECT e.id::text AS endpoint_id, e.state->'config'->>'url' AS url, coalesce(e.state->'circuit'->>'state', 'closed') AS circuit_state,
           s.at AS last_success_at, f.at AS last_failure_at
    FROM endpoints e
    LEFT JOIN LATERAL (
      SELECT d.last_success_at AS at FROM analytics_daily d
      WHERE d.project_id = e.project_id AND d.endpoint_key = e.id::text AND d.last_success_at IS NOT NULL ORDER BY d.day DESC, d.last_success_at DESC LIMIT 1
    ) s ON true
    LEFT JOIN LATERAL (
      SELECT d.last_failure_at AS at FROM analytics_daily d
      WHERE d.project_id = e.project_id AND d.endpoint_key = e.id::text AND d.last_failure_at IS NOT NULL ORDER BY d.day DESC, d.last_failure_at DESC LIMIT 1
    ) f ON true
    WHERE e.account_id = ${scope.accountId} AND e.project_id = ${scope.projectId} AND NOT e.deleted
      ${q.endpointId === undefined ? sql.fragment`` : sql.fragment`AND e.id = ${q.endpointId}`}
    ORDER BY e.created_at, e.id`);
  return rows.map((r) => ({
    // The read model keeps the URL as the log has it, sealed (projections/endpoints/queries.ts).
    endpointId: r.endpoint_id, url: openStoredText(scope.accountId, 'url', r.url), circuitState: r.circuit_state,
    lastSuccessAt: r.last_success_at, lastFailureAt: r.last_failure_at,
  }));
}
