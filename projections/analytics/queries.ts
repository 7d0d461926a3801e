import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import type { EndpointCounts, HourCounts, HourSketch } from '../../services/analytics/domain/reports.ts';
import { FAILURE_CATEGORIES, type FailureCategory } from '../../services/analytics/domain/tally.ts';
import type { Scope } from '../events/queries.ts';
import { ts } from '../events/projector.ts';
import { COUNTERS, failColumn } from './projector.ts';

/** The hours [firstHour, endHour) of the caller's project, of one endpoint or all (epoch ms, whole UTC hours). */
export type HoursQuery = { firstHour: number; endHour: number; endpointId?: string };

const hourRow = z.object({ hour: z.number() }).catchall(z.number());
const sketchRow = z.object({ hour: z.number(), endpoint: z.string(), sketch: z.string() });
const endpointRow = z.object({
  endpoint_id: z.string(), url: z.string(), circuit_state: z.enum(['closed', 'open', 'half_open']),
  delivered: z.number(), failed: z.number(), last_success_at: z.number().nullable(), last_failure_at: z.number().nullable(),
});

function hoursOf(scope: Scope, q: HoursQuery) {
  const conds = [
    sql.fragment`account_id = ${scope.accountId}`, sql.fragment`project_id = ${scope.projectId}`,
    sql.fragment`hour >= ${ts(q.firstHour)}`, sql.fragment`hour < ${ts(q.endHour)}`,
  ];
  if (q.endpointId !== undefined) conds.push(sql.fragment`endpoint_key = ${q.endpointId}`);
  return sql.join(conds, sql.fragment` AND `);
}

/** Every hour of the range that counted something, summed over the endpoints asked for, in order. */
export async function hourlyCounts(db: DatabasePool, scope: Scope, q: HoursQuery): Promise<HourCounts[]> {
  const sums = COUNTERS.map((c) => sql.fragment`sum(${sql.identifier([c])})::float8 AS ${sql.identifier([c])}`);
  const rows = await db.any(sql.type(hourRow)`
    SELECT hour, ${sql.join(sums, sql.fragment`, `)} FROM analytics_hourly WHERE ${hoursOf(scope, q)}
    GROUP BY hour ORDER BY hour`);
  return rows.map((r) => ({
    hour: r.hour, accepted: r.accepted!, dispatched: r.dispatched!, delivered: r.delivered!, retried: r.retried!, dead: r.dead!,
    cancelled: r.cancelled!, failed: r.failed!,
    failures: Object.fromEntries(FAILURE_CATEGORIES.map((c) => [c, r[failColumn(c)]!])) as Record<FailureCategory, number>,
  }));
}

/** The latency sketches of the range's hours, per endpoint ('' for direct destinations). */
export async function hourlySketches(db: DatabasePool, scope: Scope, q: HoursQuery): Promise<HourSketch[]> {
  const rows = await db.any(sql.type(sketchRow)`
    SELECT hour, endpoint_key AS endpoint, encode(latency_sketch, 'base64') AS sketch FROM analytics_hourly
    WHERE ${hoursOf(scope, q)} AND latency_sketch IS NOT NULL`);
  return rows.map((r) => ({ hour: r.hour, endpoint: r.endpoint, sketch: Buffer.from(r.sketch, 'base64') }));
}

/**
 * The project's endpoints (not deleted; one, with endpointId) in the order they were created,
 * with their delivered and failed attempts in the range, their circuit as the endpoints read
 * model has it, and their latest success and failure ever (each the newest hour that has one).
 */
export async function endpointCounts(db: DatabasePool, scope: Scope, q: HoursQuery): Promise<EndpointCounts[]> {
  const rows = await db.any(sql.type(endpointRow)`
    SELECT e.id::text AS endpoint_id, e.state->'config'->>'url' AS url, coalesce(e.state->'circuit'->>'state', 'closed') AS circuit_state,
           coalesce(c.delivered, 0) AS delivered, coalesce(c.failed, 0) AS failed, s.at AS last_success_at, f.at AS last_failure_at
    FROM endpoints e
    LEFT JOIN LATERAL (
      SELECT sum(h.delivered)::float8 AS delivered, sum(h.failed)::float8 AS failed FROM analytics_hourly h
      WHERE h.project_id = e.project_id AND h.endpoint_key = e.id::text AND h.hour >= ${ts(q.firstHour)} AND h.hour < ${ts(q.endHour)}
    ) c ON true
    LEFT JOIN LATERAL (
      SELECT h.last_success_at AS at FROM analytics_hourly h
      WHERE h.project_id = e.project_id AND h.endpoint_key = e.id::text AND h.last_success_at IS NOT NULL ORDER BY h.hour DESC LIMIT 1
    ) s ON true
    LEFT JOIN LATERAL (
      SELECT h.last_failure_at AS at FROM analytics_hourly h
      WHERE h.project_id = e.project_id AND h.endpoint_key = e.id::text AND h.last_failure_at IS NOT NULL ORDER BY h.hour DESC LIMIT 1
    ) f ON true
    WHERE e.account_id = ${scope.accountId} AND e.project_id = ${scope.projectId} AND NOT e.deleted
      ${q.endpointId === undefined ? sql.fragment`` : sql.fragment`AND e.id = ${q.endpointId}`}
    ORDER BY e.created_at, e.id`);
  return rows.map((r) => ({
    endpointId: r.endpoint_id, url: r.url, circuitState: r.circuit_state, delivered: r.delivered, failed: r.failed,
    lastSuccessAt: r.last_success_at, lastFailureAt: r.last_failure_at,
  }));
}
