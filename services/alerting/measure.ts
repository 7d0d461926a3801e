import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { ts } from '../../projections/events/projector.ts';
import type { AlertRuleState } from './domain/evolve.ts';

const windowRow = z.object({ total: z.number(), failed: z.number(), latency: z.number().nullable() });
const countRow = z.object({ n: z.number() });
/** An event still on its way: not delivered, not dead (projections/events/status-sql.ts). */
const IN_FLIGHT = ['queued', 'delivering', 'failed'];

/**
 * The rule's metric now, exactly over its window: read from delivery_attempts (a row per attempt,
 * through its (project_id, attempted_at) index), not from the hourly buckets, which cannot answer
 * a 5-minute window. No write is added to the projection path; the price is a read of the
 * window's attempts per rule per evaluation (README: Alert rules). Only endpoint deliveries count: connector and alert
 * notifications (endpoint_id null) are not the project's traffic. null: no attempt in the window
 * (a rate or a percentile of nothing), which does not hold any condition.
 */
export async function measure(db: CommonQueryMethods, rule: AlertRuleState, now: number): Promise<number | null> {
  const d = rule.definition;
  if (d.metric === 'queue_depth') return queueDepth(db, rule);
  const conds = [sql.fragment`project_id = ${rule.projectId}`, sql.fragment`account_id = ${rule.accountId}`,
    sql.fragment`attempted_at > ${ts(now - d.windowMs)}`, sql.fragment`attempted_at <= ${ts(now)}`];
  conds.push(d.endpointId === null ? sql.fragment`endpoint_id IS NOT NULL` : sql.fragment`endpoint_id = ${d.endpointId}`);
  if (d.eventType !== null) conds.push(sql.fragment`event_type = ${d.eventType}`);
  const r = await db.one(sql.type(windowRow)`
    SELECT count(*)::int AS total, count(*) FILTER (WHERE outcome <> 'success')::int AS failed,
           percentile_cont(${(d.percentile ?? 95) / 100}) WITHIN GROUP (ORDER BY duration_ms) AS latency
    FROM delivery_attempts WHERE ${sql.join(conds, sql.fragment` AND `)}`);
  switch (d.metric) {
    case 'delivery_count': return r.total;
    case 'error_count': return r.failed;
    case 'failure_rate': return r.total === 0 ? null : r.failed / r.total;
    case 'success_rate': return r.total === 0 ? null : (r.total - r.failed) / r.total;
    case 'latency': return r.latency;
  }
}

/** How many of the project's events (or of those bound for the endpoint) are still on their way now: a gauge, so the window does not apply. */
async function queueDepth(db: CommonQueryMethods, rule: AlertRuleState): Promise<number> {
  const d = rule.definition;
  const toEndpoint = d.endpointId === null ? sql.fragment`TRUE` : sql.fragment`EXISTS (
    SELECT 1 FROM event_destinations x WHERE x.event_id = e.id AND x.endpoint_id = ${d.endpointId} AND x.state NOT IN ('delivered', 'dead'))`;
  return db.oneFirst(sql.type(countRow)`
    SELECT count(*)::int AS n FROM events e
    WHERE e.project_id = ${rule.projectId} AND e.account_id = ${rule.accountId} AND e.status = ANY(${sql.array(IN_FLIGHT, 'text')}) AND ${toEndpoint}`);
}
