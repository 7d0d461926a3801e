import { sql } from 'slonik';
import type { DomainEvent } from '../../services/capabilities.ts';
import type { AlertEvent, AlertRuleEvent } from '../../services/alerting/domain/messages.ts';
import { evolve, type AlertRuleState } from '../../services/alerting/domain/evolve.ts';
import type { Projection } from '../../services/platform/projection/runner.ts';
import { ts } from '../events/projector.ts';
import { foldInto, type StateTable } from '../shared/state-table.ts';

export const ALERT_RULES_TABLE: StateTable<AlertRuleState> = { table: 'alert_rules', idOf: (s) => s.ruleId, nameOf: (s) => s.definition.name };
const isRuleEvent = (x: DomainEvent): x is AlertRuleEvent => x.type === 'AlertRuleCreated' || x.type === 'AlertRuleUpdated' || x.type === 'AlertRuleDeleted';
const isAlert = (x: DomainEvent): x is AlertEvent => x.type === 'AlertFired' || x.type === 'AlertResolved';

/** alert_rules: each rule's current state (action secrets still sealed), folded by the domain's evolve. */
export function alertRulesProjection(topics: { alertRules: string }): Projection {
  return {
    name: 'alert_rules',
    topics: [topics.alertRules],
    tables: ['alert_rules'],
    async apply(tx, events) {
      for (const e of events.filter(isRuleEvent)) await foldInto(tx, ALERT_RULES_TABLE, e.ruleId, e, evolve);
    },
  };
}

/** alert_history: every firing and resolution, once each (by its alert id). */
export function alertHistoryProjection(topics: { alerts: string }): Projection {
  return {
    name: 'alert_history',
    topics: [topics.alerts],
    tables: ['alert_history'],
    async apply(tx, events) {
      for (const e of events.filter(isAlert)) {
        await tx.query(sql.unsafe`
          INSERT INTO alert_history (id, account_id, project_id, rule_id, kind, rule_name, metric, operator, value, threshold, severity, dedup_key, created_at)
          VALUES (${e.alertId}, ${e.accountId}, ${e.projectId}, ${e.ruleId}, ${e.type === 'AlertFired' ? 'fired' : 'resolved'}, ${e.ruleName},
                  ${e.metric}, ${e.operator}, ${e.value}, ${e.threshold}, ${e.severity}, ${e.dedupKey}, ${ts(e.at)})
          ON CONFLICT (id) DO NOTHING`);
      }
    },
  };
}
