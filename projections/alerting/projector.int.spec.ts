import { sql } from 'slonik';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { projectionFixture } from '../../test/support/mittr.ts';
import { redeliverySpec } from '../../test/support/redelivery.ts';
import type { AlertEvent, AlertRuleEvent } from '../../services/alerting/domain/messages.ts';
import { buildRule } from '../../services/alerting/domain/rule.ts';
import { alertHistoryProjection, alertRulesProjection } from './projector.ts';

const T = 1_700_000_000_000;
const ids = { ruleId: '6f1c8a52-3c1e-4d8e-9a51-0d7c2b3e4f10', accountId: '0b7e6c1a-6f0e-4f43-8f57-7d2e1b9b6a01', projectId: '3d0c9b1e-5a7f-4c2d-8e6b-1f2a3b4c5d6e' };
const rule = buildRule(undefined, { name: 'spike', condition: { metric: 'failure_rate', operator: 'gt', value: 0.1 }, action: { type: 'webhook', webhookUrl: 'https://ops.example.com/hook' } }, (p) => `v1.${p.length}`);
const rules: AlertRuleEvent[] = [
  { type: 'AlertRuleCreated', ...ids, version: 1, definition: JSON.stringify(rule), at: T },
  { type: 'AlertRuleUpdated', ...ids, version: 2, definition: JSON.stringify({ ...rule, enabled: false }), at: T + 1 },
  { type: 'AlertRuleDeleted', ...ids, version: 3, at: T + 2 },
];
const other = { ...ids, ruleId: '2e1d0c9b-8a7f-4e6d-9c5b-4a3f2e1d0c9b' };
const alert = (type: AlertEvent['type'], alertId: string, at: number): AlertEvent => ({
  type, alertId, ...ids, ruleName: 'spike', metric: 'failure_rate', operator: 'gt', value: type === 'AlertFired' ? 0.5 : null, threshold: 0.1, severity: 'high', dedupKey: `mittr-${ids.ruleId}-${T}`, at,
});
const alerts = [alert('AlertFired', '11111111-1111-4111-8111-111111111111', T), alert('AlertResolved', '22222222-2222-4222-8222-222222222222', T + 60_000)];

describe('alert_rules projection', () => {
  const { db, apply } = projectionFixture(alertRulesProjection({ alertRules: 'alert-rules' }));
  it('folds each version once: an old event again changes nothing', async () => {
    await apply(rules.slice(0, 2));
    await apply([rules[0]!]);
    const row = await db().one(sql.type(z.object({ state: z.unknown(), deleted: z.boolean() }))`SELECT state, deleted FROM alert_rules WHERE id = ${ids.ruleId}`);
    expect(row).toMatchObject({ deleted: false, state: { version: 2, definition: { enabled: false, name: 'spike' } } });
  });
});

describe('alert_history projection', () => {
  const { db, apply } = projectionFixture(alertHistoryProjection({ alerts: 'alerts' }));
  it('keeps each firing and resolution once, with its value and threshold', async () => {
    await apply(alerts);
    await apply(alerts);
    const rows = await db().any(sql.type(z.object({ kind: z.string(), value: z.number().nullable(), threshold: z.number() }))`SELECT kind, value, threshold FROM alert_history ORDER BY created_at`);
    expect(rows).toEqual([{ kind: 'fired', value: 0.5, threshold: 0.1 }, { kind: 'resolved', value: null, threshold: 0.1 }]);
  });
});

describe('alerting projections under redelivery', () => {
  redeliverySpec(alertRulesProjection({ alertRules: 'alert-rules' }), [
    [rules[0]!, { type: 'AlertRuleCreated', ...other, version: 1, definition: JSON.stringify({ ...rule, name: 'slow' }), at: T + 1 }],
    [rules[1]!], [rules[2]!],
  ]);
  redeliverySpec(alertHistoryProjection({ alerts: 'alerts' }), [[alerts[0]!], [alerts[1]!]]);
});
