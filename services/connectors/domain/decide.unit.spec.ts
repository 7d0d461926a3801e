import { describe, expect, it } from 'vitest';
import { DomainError } from '../../platform/domain/errors.ts';
import { decide, type ConnectorCommand } from './decide.ts';
import { normalizeInput, type Sealer } from './definition.ts';
import { evolve, type ConnectorState } from './evolve.ts';
import type { ConnectorEvent } from './messages.ts';
import { openConfig } from './notification.ts';

const T = 1_700_000_000_000;
/** A stand-in sealer: reversible, visibly not the plain text; templates holding "BAD" do not parse. */
const sealer: Sealer = {
  seal: (plain) => `sealed:${Buffer.from(plain).toString('base64')}`,
  checkTemplate: (t) => Object.entries(t).filter(([, v]) => v?.includes('BAD')).map(([k]) => `template.${k}: cannot parse`),
};
const open = (s: string) => Buffer.from(s.slice('sealed:'.length), 'base64').toString();
const hook = 'https://hooks.slack.com/services/T0/B0/secret';
const create = (input: Record<string, unknown>, count = 0, limit: number | null = null): ConnectorCommand =>
  ({ type: 'Create', connectorId: 'c1', accountId: 'a', projectId: 'p', input: normalizeInput(input), count, limit, plan: 'growth' });
const slack = { name: 'prod-slack-alerts', type: 'slack', config: { webhookUrl: hook, channel: '#webhook-alerts', username: 'Mittr', iconEmoji: ':satellite:' } };
const fold = (events: ConnectorEvent[]) => events.reduce<ConnectorState | undefined>(evolve, undefined);
const when = (given: ConnectorEvent[], cmd: ConnectorCommand) => {
  try { return decide(fold(given), cmd, T + 1, sealer); } catch (err) {
    if (err instanceof DomainError) return { code: err.code, problems: err.details?.problems as string[] | undefined, details: err.details };
    throw err;
  }
};
const created = decide(undefined, create(slack), T, sealer);

describe('connector decider', () => {
  it('given nothing, when a slack connector is created, then version 1 with the URL sealed, a masked form, and 004\'s alert defaults', () => {
    const d = (created[0] as Extract<ConnectorEvent, { type: 'ConnectorCreated' }>).definition;
    expect(d).toMatchObject({ name: 'prod-slack-alerts', type: 'slack', eventTypes: [], severityFilter: ['high', 'critical'], alertTypeFilter: null, isActive: true, template: null });
    expect(d.config).not.toContain('hooks.slack.com');
    expect(JSON.parse(d.masked)).toEqual({ webhookUrl: 'https://hooks.slack.com/****' });
    expect(openConfig(d, open)).toEqual(slack.config);
  });
  it('given the other documents\' spellings, when created, then the same connector (001 webhook_url, events, filters; 004 connector_type, severity_filter)', () => {
    const e = when([], create({ name: 'Engineering', type: 'slack', config: { webhook_url: hook }, events: ['promise.*'], filters: { categories: ['tech'] } })) as ConnectorEvent[];
    expect(e[0]).toMatchObject({ definition: { eventTypes: ['promise.*'], categories: ['tech'] } });
    const a = when([], create({ name: '#dq', connector_type: 'teams', webhook_url: 'https://x.example/w', severity_filter: ['critical'], alert_type_filter: ['drift'], is_active: false })) as ConnectorEvent[];
    expect(a[0]).toMatchObject({ definition: { type: 'teams', severityFilter: ['critical'], alertTypeFilter: ['drift'], isActive: false } });
  });
  it('given bad input, when created, then VALIDATION_ERROR listing every problem', () => {
    expect(when([], create({ name: 'x', type: 'fax' }))).toMatchObject({ code: 'VALIDATION_ERROR' });
    const r = when([], create({ name: '6f1c8a52-3c1e-4d8e-9a51-0d7c2b3e4f10', type: 'email', config: { smtpHost: 'h', fromEmail: 'nope', toEmails: [], bogus: 1 },
      template: { subject: 'BAD', colour: 'x' }, filter: [{ field: '$.data.x', operator: 'near' }], severity_filter: ['urgent'] }));
    expect(r).toMatchObject({ code: 'VALIDATION_ERROR' });
    const problems = (r as { problems: string[] }).problems.join('\n');
    for (const p of [/name cannot be a UUID/, /config.bogus is not a email field/, /config.fromEmail must be an e-mail/, /config.toEmails must be a list/,
      /template.colour is not a template field/, /template.subject: cannot parse/, /operator/, /severity_filter/]) expect(problems).toMatch(p);
    expect(when([], create({ name: 'w', type: 'webhook', config: {} }))).toMatchObject({ problems: ['config.url is required'] });
  });
  it('given the plan\'s connectors are all used, when one more is created, then QUOTA_EXCEEDED with the limit', () => {
    expect(when([], create(slack, 5, 5))).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { limit: 5, used: 5, resource: 'connectors' } });
    expect(when([], create(slack, 4, 5))).toHaveLength(1);
    expect(when([], create(slack, 1000, null))).toHaveLength(1);
  });
  it('given a connector, when updated with part of its config and template (000\'s PUT), then merged; the masked URL sent back keeps the secret', () => {
    const [e] = when(created, { type: 'Update', input: normalizeInput({ config: { channel: '#critical-alerts', webhookUrl: 'https://hooks.slack.com/****' }, template: { color: '#ff0000' } }) }) as ConnectorEvent[];
    const d = (e as Extract<ConnectorEvent, { type: 'ConnectorUpdated' }>).definition;
    expect(e).toMatchObject({ type: 'ConnectorUpdated', version: 2 });
    expect(openConfig(d, open)).toEqual({ ...slack.config, channel: '#critical-alerts' });
    expect(JSON.parse(d.template!)).toEqual({ color: '#ff0000' });
    expect(when(created, { type: 'Update', input: normalizeInput({ config: { channel: '#webhook-alerts' } }) })).toEqual([]);
    expect(when(created, { type: 'Update', input: { type: 'discord' } })).toMatchObject({ code: 'VALIDATION_ERROR', problems: ['type cannot change; create a new connector instead'] });
  });
  it('given a deleted connector, when updated or deleted, then NOT_FOUND', () => {
    const deleted = [...created, ...(when(created, { type: 'Delete' }) as ConnectorEvent[])];
    expect(fold(deleted)?.deleted).toBe(true);
    expect(when(deleted, { type: 'Delete' })).toMatchObject({ code: 'NOT_FOUND' });
    expect(when(deleted, { type: 'Update', input: { name: 'x' } })).toMatchObject({ code: 'NOT_FOUND' });
  });
});
