import { randomUUID } from 'node:crypto';
import { sql } from 'slonik';
import { describe, expect, it } from 'vitest';
import { projectionFixture } from '../../test/support/mittr.ts';
import { alertHistoryProjection } from '../../projections/alerting/projector.ts';
import { topicNames } from '../capabilities.ts';
import type { Outgoing } from '../platform/kafka/processor.ts';
import type { ConfigStore } from '../platform/state/config-store.ts';
import { decide } from './domain/decide.ts';
import type { AlertRuleEvent, AlertEvent } from './domain/messages.ts';
import type { RuleInput } from './domain/rule.ts';
import { AlertEvaluator } from './evaluator.ts';
import { measure } from './measure.ts';
import { AlertRulesState } from './state.ts';

const NOW = Date.UTC(2026, 11, 7, 2, 0, 0);
const account = randomUUID();
const project = randomUUID();
const ep1 = randomUUID();
const ep2 = randomUUID();
const topics = topicNames('spec.');
const action = { type: 'webhook', webhookUrl: 'https://ops.example.com/hook' };

function ruleOf(condition: RuleInput['condition'], extra: RuleInput = {}) {
  const state = new AlertRulesState(topics.alertRules);
  const [e] = decide(undefined, { type: 'Create', ruleId: randomUUID(), accountId: account, projectId: project, input: { name: 'r', condition, action, ...extra } }, NOW, (p) => p) as [AlertRuleEvent];
  state.apply(e);
  return { state, rule: state.get(e.ruleId)! };
}

describe('the alert evaluator over delivery_attempts', () => {
  // The alert_history projection's fixture: a migrated schema of this file's own.
  const { db } = projectionFixture(alertHistoryProjection(topics));

  async function attempt(o: { endpointId: string | null; eventType: string; outcome: string; ms: number; agoMs: number }) {
    await db().query(sql.unsafe`
      INSERT INTO delivery_attempts (id, event_id, dispatch_id, account_id, project_id, endpoint_id, event_type, url, attempt_number, outcome,
        status_code, response_body, error, error_category, duration_ms, processing_overhead_us, attempted_at, event_created_at)
      VALUES (${randomUUID()}, ${randomUUID()}, ${randomUUID()}, ${account}, ${project}, ${o.endpointId}, ${o.eventType}, 'https://x.example/', 1, ${o.outcome},
        ${o.outcome === 'success' ? 200 : 500}, '', '', NULL, ${o.ms}, 0, to_timestamp(${(NOW - o.agoMs) / 1000}), to_timestamp(${(NOW - o.agoMs) / 1000}))`);
  }

  it('measures each metric exactly over the window, by endpoint and by event type, leaving notifications out', async () => {
    // In the 5-minute window: ep1 3 failures + 1 success (order.created), ep2 1 success (user.created); a connector notification; and older ones.
    for (const ms of [100, 200, 300]) await attempt({ endpointId: ep1, eventType: 'order.created', outcome: 'failure', ms, agoMs: 60_000 });
    await attempt({ endpointId: ep1, eventType: 'order.created', outcome: 'success', ms: 400, agoMs: 30_000 });
    await attempt({ endpointId: ep2, eventType: 'user.created', outcome: 'success', ms: 1_000, agoMs: 10_000 });
    await attempt({ endpointId: null, eventType: 'alert.fired', outcome: 'failure', ms: 5, agoMs: 10_000 });
    for (let i = 0; i < 4; i++) await attempt({ endpointId: ep2, eventType: 'user.created', outcome: 'timeout', ms: 9_000, agoMs: 6 * 60_000 });
    const value = (c: RuleInput['condition']) => measure(db(), ruleOf(c).rule, NOW);
    const w = { operator: 'gt', value: 0, window: '5m' };
    expect(await value({ ...w, metric: 'failure_rate' })).toBeCloseTo(3 / 5);
    expect(await value({ ...w, metric: 'success_rate' })).toBeCloseTo(2 / 5);
    expect(await value({ ...w, metric: 'error_count' })).toBe(3);
    expect(await value({ ...w, metric: 'delivery_count' })).toBe(5);
    expect(await value({ ...w, metric: 'delivery_count', window: '10m' })).toBe(9);
    expect(await value({ ...w, metric: 'failure_rate', endpointId: ep1 })).toBeCloseTo(3 / 4);
    expect(await value({ ...w, metric: 'error_count', eventType: 'user.created' })).toBe(0);
    expect(await value({ ...w, metric: 'latency', percentile: 50 })).toBe(300);
    expect(await value({ ...w, metric: 'latency', percentile: 99, endpointId: ep1 })).toBeCloseTo(397, 0);
    expect(await value({ ...w, metric: 'failure_rate', window: '1m', endpointId: ep2, eventType: 'order.created' })).toBeNull();
  });

  it('fires once across two evaluators evaluating the rule at the same moment, then resolves with the same dedup key', async () => {
    const { state, rule } = ruleOf({ metric: 'error_count', operator: 'gte', value: 3, window: '5m', endpointId: ep1 }, { cooldown: '1h' });
    const store = { state: { alertRules: state } } as unknown as ConfigStore;
    const appended: AlertEvent[] = [];
    let now = NOW;
    const lockSpace = `spec:${randomUUID()}`;
    const evaluator = () => new AlertEvaluator({ db: db(), store, topics, everyMs: 1_000, lockSpace, now: () => now,
      append: async (out: Outgoing[]) => { appended.push(...out.map((o) => o.event as AlertEvent)); } });
    const [a, b] = [evaluator(), evaluator()];
    for (let round = 0; round < 5; round++, now += 1_000) await Promise.all([a.tick(), b.tick()]);
    expect(appended.map((e) => e.type)).toEqual(['AlertFired']);
    expect(appended[0]).toMatchObject({ ruleId: rule.ruleId, value: 3, threshold: 3, metric: 'error_count', severity: 'high', dedupKey: `mittr-${rule.ruleId}-${NOW}` });
    // Five minutes on, the failures are out of the window: one resolve, with the incident's key.
    now = NOW + 6 * 60_000;
    for (let round = 0; round < 3; round++, now += 1_000) await Promise.all([a.tick(), b.tick()]);
    expect(appended.map((e) => e.type)).toEqual(['AlertFired', 'AlertResolved']);
    expect(appended[1]).toMatchObject({ dedupKey: appended[0]!.dedupKey, value: 0 });
  });
});
