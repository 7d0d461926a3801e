import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import type { AlertRuleState } from '../../services/alerting/domain/evolve.ts';
import { shown } from '../../services/alerting/domain/payloads.ts';
import { afterCursor, decodeCursor, toPage } from '../../services/platform/postgres/pagination.ts';
import type { Scope } from '../events/queries.ts';
import { getById, listPage } from '../shared/state-table.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/** The public shape of a rule: 002's fields, the action's secrets masked, never opened. */
export function alertRuleView(s: AlertRuleState) {
  const d = s.definition;
  return {
    id: s.ruleId, name: d.name, description: d.description, enabled: d.enabled, severity: d.severity,
    condition: { metric: d.metric, operator: d.operator, value: d.threshold, window: d.window, percentile: d.percentile, endpointId: d.endpointId, eventType: d.eventType },
    action: { type: d.action.type, ...d.action.masked },
    cooldown: d.cooldown, version: s.version, createdAt: iso(s.createdAt), updatedAt: iso(s.updatedAt),
  };
}

export const getAlertRule = (db: DatabasePool, scope: Scope, id: string) => getById<AlertRuleState>(db, 'alert_rules', scope, id);
export const listAlertRules = (db: DatabasePool, scope: Scope, q: { limit: number; cursor?: string }) => listPage(db, 'alert_rules', scope, q, alertRuleView);

const historyRow = z.object({
  id: z.string(), rule_id: z.string(), kind: z.string(), rule_name: z.string(), metric: z.string(), operator: z.string(),
  value: z.number().nullable(), threshold: z.number(), severity: z.string(), dedup_key: z.string(), created_at: z.number(),
});

/** The project's firings and resolutions, newest first; null for a cursor that is not ours. */
export async function alertHistory(db: DatabasePool, scope: Scope, q: { limit: number; cursor?: string; ruleId?: string }) {
  const after = q.cursor ? decodeCursor(q.cursor) : undefined;
  if (after === null) return null;
  const conds = [sql.fragment`account_id = ${scope.accountId}`, sql.fragment`project_id = ${scope.projectId}`];
  if (q.ruleId) conds.push(sql.fragment`rule_id = ${q.ruleId}`);
  if (after) conds.push(afterCursor(after));
  const rows = await db.any(sql.type(historyRow)`
    SELECT id, rule_id, kind, rule_name, metric, operator, value, threshold, severity, dedup_key, created_at
    FROM alert_history WHERE ${sql.join(conds, sql.fragment` AND `)} ORDER BY created_at DESC, id DESC LIMIT ${q.limit + 1}`);
  return toPage(rows, q.limit, (r) => ({
    id: r.id, ruleId: r.rule_id, ruleName: r.rule_name, state: r.kind, metric: r.metric, operator: r.operator,
    value: shown(r.metric, r.value), threshold: shown(r.metric, r.threshold)!, severity: r.severity, dedupKey: r.dedup_key, at: iso(r.created_at),
  }));
}
