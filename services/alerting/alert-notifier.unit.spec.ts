import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Topics } from '../capabilities.ts';
import { decide as decideConnector } from '../connectors/domain/decide.ts';
import { normalizeInput } from '../connectors/domain/definition.ts';
import { ConnectorsState } from '../connectors/state.ts';
import { templateProblems } from '../connectors/templates.ts';
import { parseSealedTarget } from '../deliveries/domain/sealed-target.ts';
import type { Incoming } from '../platform/kafka/processor.ts';
import { SecretBox } from '../platform/security/secrets.ts';
import type { ConfigStore } from '../platform/state/config-store.ts';
import { alertNotifierHandler } from './alert-notifier.ts';
import { decide } from './domain/decide.ts';
import type { AlertEvent } from './domain/messages.ts';
import { normalizeRuleInput } from './domain/rule.ts';
import { AlertRulesState } from './state.ts';

const box = new SecretBox(randomBytes(32));
const topics = { notifications: 'notifications', lane: (l: string) => `lane.${l}`, delay: (ms: number) => `delay.${ms}` } as unknown as Topics;
const T = 1_700_000_000_000;
const condition = { metric: 'failure_rate', operator: 'gt', value: 0.1, window: '5m' };

function storeWith(rules: Record<string, unknown>[], connectors: Record<string, unknown>[] = []) {
  const alertRules = new AlertRulesState('alert-rules');
  rules.forEach((input, i) => decide(undefined, { type: 'Create', ruleId: `r${i}`, accountId: 'a', projectId: 'p', input: normalizeRuleInput(input) }, T, (s) => box.seal(s)).forEach((e) => alertRules.apply(e)));
  const cs = new ConnectorsState('connectors');
  connectors.forEach((input, i) => decideConnector(undefined, { type: 'Create', connectorId: `c${i}`, accountId: 'a', projectId: 'p', input: normalizeInput(input), count: 0, limit: null, plan: 'x' }, T,
    { seal: (s) => box.seal(s), checkTemplate: templateProblems }).forEach((e) => cs.apply(e)));
  return { state: { alertRules, connectors: cs } } as unknown as ConfigStore;
}
const alert = (type: AlertEvent['type'], ruleId: string, severity = 'high'): Incoming => ({
  topic: 'alerts', partition: 0, offset: '0', key: ruleId, timestamp: T,
  event: { type, alertId: '11111111-1111-4111-8111-111111111111', ruleId, accountId: 'a', projectId: 'p', ruleName: 'spike', metric: 'failure_rate', operator: 'gt',
    value: type === 'AlertFired' ? 0.25 : 0.02, threshold: 0.1, severity, dedupKey: `mittr-${ruleId}-${T}`, at: T },
});
const run = async (store: ConfigStore, ...messages: Incoming[]) =>
  (await alertNotifierHandler({ topics, store, open: (s) => box.open(s), sendMail: async () => { throw new Error('no mail here'); }, now: () => T })(messages, { heartbeat: async () => undefined })).out;
const bodyOf = (o: { event: unknown }) => JSON.parse((o.event as { payload: string }).payload) as Record<string, unknown>;

describe('the alert notifier', () => {
  it('given a slack rule, when it fires, then a high-priority delivery of a Block Kit message from its template to the sealed URL', async () => {
    const store = storeWith([{ name: 'spike', condition, action: { type: 'slack', webhookUrl: 'https://hooks.slack.com/services/T/B/secret', channel: '#alerts', message: 'Failure rate is {{.value}}% (threshold: {{.threshold}}%)' } }]);
    const [out] = await run(store, alert('AlertFired', 'r0'));
    expect(out).toMatchObject({ topic: 'lane.high', event: { type: 'DeliveryRequested', endpointId: null, eventType: 'alert.fired', priority: 1 } });
    expect(bodyOf(out!)).toMatchObject({ text: 'Failure rate is 25% (threshold: 10%)', channel: '#alerts' });
    const target = parseSealedTarget((out!.event as { url: string }).url)!;
    expect(target.masked).toBe('https://hooks.slack.com/****');
    expect(JSON.parse(box.open(target.sealed))).toBe('https://hooks.slack.com/services/T/B/secret');
  });

  it('given a pagerduty rule, then a trigger and a resolve under one dedup_key', async () => {
    const store = storeWith([{ name: 'spike', condition, severity: 'critical', action: { type: 'pagerduty', routingKey: 'KEY0123456789', url: 'https://pd.example.test/v2/enqueue' } }]);
    const [trigger, resolve] = await run(store, alert('AlertFired', 'r0', 'critical'), alert('AlertResolved', 'r0', 'critical'));
    expect((trigger!.event as { url: string }).url).toBe('https://pd.example.test/v2/enqueue');
    expect(bodyOf(trigger!)).toMatchObject({ routing_key: 'KEY0123456789', event_action: 'trigger', dedup_key: `mittr-r0-${T}`, payload: { severity: 'critical', source: 'mittr' } });
    expect(bodyOf(resolve!)).toEqual({ routing_key: 'KEY0123456789', event_action: 'resolve', dedup_key: `mittr-r0-${T}` });
  });

  it('given connector rules, then the connector\'s severity_filter, alert_type_filter and is_active decide', async () => {
    const slack = (name: string, extra: object) => ({ name, type: 'slack', config: { webhookUrl: `https://hooks.slack.com/services/${name}` }, ...extra });
    const store = storeWith(
      [{ name: 'a', condition: 'failure_rate > 10%', connectorName: 'all' }, { name: 'b', condition: 'failure_rate > 10%', connectorName: 'latency-only' },
        { name: 'c', condition: 'failure_rate > 10%', connectorName: 'off' }, { name: 'd', condition: 'failure_rate > 10%', connectorName: 'all' }],
      [slack('all', {}), slack('latency-only', { alert_type_filter: ['latency'] }), slack('off', { is_active: false })]);
    const out = await run(store, alert('AlertFired', 'r0'), alert('AlertFired', 'r1'), alert('AlertFired', 'r2'), alert('AlertFired', 'r3', 'low'));
    expect(out).toHaveLength(1);
    expect(parseSealedTarget((out[0]!.event as { url: string }).url)!.masked).toBe('https://hooks.slack.com/****');
    expect(bodyOf(out[0]!)).toHaveProperty('blocks');
  });

  it('given a webhook rule, then the alert\'s facts as JSON; a deleted rule sends nothing', async () => {
    const store = storeWith([{ name: 'spike', condition, action: { type: 'webhook', webhookUrl: 'https://ops.example.test/hook' } }]);
    const [out] = await run(store, alert('AlertResolved', 'r0'), alert('AlertFired', 'gone'));
    expect(bodyOf(out!)).toMatchObject({ type: 'alert.resolved', state: 'resolved', rule: 'spike', value: 2, threshold: 10, dedup_key: `mittr-r0-${T}` });
    expect(String(bodyOf(out!).message)).toMatch(/^Resolved: spike/);
  });
});
