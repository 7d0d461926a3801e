import { describe, expect, it } from 'vitest';
import { decide } from './decide.ts';
import { evolve } from './evolve.ts';
import { buildRule, normalizeRuleInput } from './rule.ts';

const seal = (plain: string) => `sealed:${plain}`;
const slack = { type: 'slack', webhookUrl: 'https://hooks.slack.com/services/T/B/x', channel: '#alerts' };
const valid = { name: 'High failure rate', condition: { metric: 'failure_rate', operator: 'gt', value: 0.1, window: '5m' }, action: slack, cooldown: '15m' };

describe('alert rule validation', () => {
  it('given 002\'s example, then a rule with the webhook URL sealed and masked', () => {
    const r = buildRule(undefined, valid, seal);
    expect(r).toMatchObject({ metric: 'failure_rate', operator: 'gt', threshold: 0.1, windowMs: 300_000, cooldownMs: 900_000, severity: 'high', enabled: true });
    expect(r.action.config.webhookUrl).toBe(`sealed:${JSON.stringify(slack.webhookUrl)}`);
    expect(r.action.masked.webhookUrl).toBe('https://hooks.slack.com/****');
  });
  it('given 000\'s spelling, then the same condition and a connector action', () => {
    const r = buildRule(undefined, normalizeRuleInput({ name: 'failure-spike', condition: 'failure_rate > 10%', connectorName: 'prod-slack-alerts' }), seal);
    expect(r).toMatchObject({ metric: 'failure_rate', operator: 'gt', threshold: 0.1, window: '5m', action: { type: 'connector', connector: 'prod-slack-alerts' } });
  });
  it.each([
    ['a window under a minute', { ...valid, condition: { ...valid.condition, window: '30s' } }],
    ['a window over a day', { ...valid, condition: { ...valid.condition, window: '2d' } }],
    ['a rate over 1', { ...valid, condition: { ...valid.condition, value: 10 } }],
    ['an unknown metric', { ...valid, condition: { ...valid.condition, metric: 'cpu' } }],
    ['an unknown operator', { ...valid, condition: { ...valid.condition, operator: 'above' } }],
    ['a slack action without its URL', { ...valid, action: { type: 'slack' } }],
    ['a field the action has not', { ...valid, action: { ...slack, routingKey: 'x' } }],
    ['queue_depth per event type', { ...valid, condition: { metric: 'queue_depth', operator: 'gt', value: 100, eventType: 'order.created' } }],
    ['an email action to no address', { ...valid, action: { type: 'email', to: 'ops at example.com' } }],
    ['an email action to too many', { ...valid, action: { type: 'email', to: Array.from({ length: 51 }, (_, i) => `o${i}@example.com`) } }],
    ['no action', { name: 'x', condition: valid.condition }],
  ])('given %s, then VALIDATION_ERROR', (_, input) => {
    expect(() => buildRule(undefined, input as never, seal)).toThrow(expect.objectContaining({ code: 'VALIDATION_ERROR' }));
  });
});

describe('an inline email action', () => {
  it('given its recipients as a list or one string, then the same deduplicated list, in the clear (no secret in it)', () => {
    const list = buildRule(undefined, { ...valid, action: { type: 'email', to: ['ops@example.com', 'sre@example.com', 'ops@example.com'], subject: 'Alert {{.rule}}' } } as never, seal);
    const text = buildRule(undefined, { ...valid, action: { type: 'email', to: 'ops@example.com, sre@example.com' } } as never, seal);
    expect(list.action).toMatchObject({ type: 'email', config: { to: ['ops@example.com', 'sre@example.com'], subject: 'Alert {{.rule}}' }, masked: { to: ['ops@example.com', 'sre@example.com'] } });
    expect(text.action.config.to).toEqual(['ops@example.com', 'sre@example.com']);
  });
});

describe('alert rule commands', () => {
  const created = decide(undefined, { type: 'Create', ruleId: 'r1', accountId: 'a', projectId: 'p', input: valid }, 1, seal);
  const state = created.reduce(evolve, undefined)!;
  it('given a new rule, when created, then version 1', () => {
    expect(created).toMatchObject([{ type: 'AlertRuleCreated', ruleId: 'r1', version: 1 }]);
  });
  it('given an enabled rule, when enabled again, then no event; when disabled, then an update', () => {
    expect(decide(state, { type: 'SetEnabled', enabled: true }, 2, seal)).toEqual([]);
    const off = decide(state, { type: 'SetEnabled', enabled: false }, 2, seal);
    expect(evolve(state, off[0]!)!.definition.enabled).toBe(false);
  });
  it('given a PUT echoing the masked URL, then the sealed URL is kept', () => {
    const up = decide(state, { type: 'Update', input: { name: 'renamed', action: { type: 'slack', webhookUrl: 'https://hooks.slack.com/****' } } }, 2, seal);
    expect(evolve(state, up[0]!)!.definition.action.config.webhookUrl).toBe(state.definition.action.config.webhookUrl);
  });
  it('given a deleted rule, when updated, then NOT_FOUND', () => {
    const gone = evolve(state, decide(state, { type: 'Delete' }, 3, seal)[0]!)!;
    expect(() => decide(gone, { type: 'SetEnabled', enabled: false }, 4, seal)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});
