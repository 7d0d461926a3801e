import type { DatabasePool } from 'slonik';
import { holds } from './domain/condition.ts';
import type { AlertRuleState } from './domain/evolve.ts';
import { step } from './domain/firing.ts';
import { shown } from './domain/payloads.ts';
import { statusOf } from './evaluator.ts';
import { measure } from './measure.ts';

/**
 * POST /alerting/evaluate: each of the project's rules measured now, with what the evaluator
 * would do (its status as last left, stepped once). Changes nothing: firing is the evaluator's.
 */
export async function evaluateNow(db: DatabasePool, rules: AlertRuleState[], now: number) {
  const data = [];
  for (const rule of rules) {
    const d = rule.definition;
    const value = await measure(db, rule, now);
    const met = value !== null && holds(value, d.operator, d.threshold);
    const { status } = await statusOf(db, rule.ruleId);
    const next = step(status, { holds: met, now, cooldownMs: d.cooldownMs, ruleId: rule.ruleId });
    data.push({ ruleId: rule.ruleId, name: d.name, enabled: d.enabled, metric: d.metric, operator: d.operator,
      value: shown(d.metric, value), threshold: shown(d.metric, d.threshold)!, conditionMet: met, status: status.status, wouldFire: d.enabled && next.emit === 'fire' });
  }
  return { data };
}
