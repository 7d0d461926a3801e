import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Topics } from '../capabilities.ts';
import { ConnectorsState } from '../connectors/state.ts';
import { createMailer, type Mailer } from '../platform/mail/mailer.ts';
import type { Incoming } from '../platform/kafka/processor.ts';
import { SecretBox } from '../platform/security/secrets.ts';
import type { ConfigStore } from '../platform/state/config-store.ts';
import { RecordingSmtp } from '../../test/support/smtp.ts';
import { alertNotifierHandler } from './alert-notifier.ts';
import { decide } from './domain/decide.ts';
import type { AlertEvent } from './domain/messages.ts';
import { normalizeRuleInput } from './domain/rule.ts';
import { AlertRulesState } from './state.ts';

/**
 * An inline email action, through the deployment's mailer (SMTP_URL, MAIL_FROM) to a real SMTP
 * server on loopback: the rule's recipients get the alert and its resolve, subject from its template.
 */
describe('an alert rule\'s email action', () => {
  const smtp = new RecordingSmtp();
  const box = new SecretBox(randomBytes(32));
  const T = 1_700_000_000_000;
  let mailer: Mailer;
  beforeAll(async () => {
    const url = await smtp.start();
    mailer = createMailer({ env: 'test', smtpUrl: url, mailFrom: 'mittr@ops.example.test', mailDir: '/nonexistent' } as never);
  });
  afterAll(async () => {
    mailer.close();
    await smtp.stop();
  });

  const store = () => {
    const alertRules = new AlertRulesState('alert-rules');
    const input = normalizeRuleInput({ name: 'spike', condition: 'failure_rate > 10%',
      action: { type: 'email', to: 'oncall@example.test, lead@example.test', subject: 'Mittr: {{.rule}} at {{.value}}%', message: 'Failure rate is {{.value}}% (threshold {{.threshold}}%)' } });
    decide(undefined, { type: 'Create', ruleId: 'r0', accountId: 'a', projectId: 'p', input }, T, (s) => box.seal(s)).forEach((e) => alertRules.apply(e));
    return { state: { alertRules, connectors: new ConnectorsState('connectors') } } as unknown as ConfigStore;
  };
  const alert = (type: AlertEvent['type']): Incoming => ({
    topic: 'alerts', partition: 0, offset: '0', key: 'r0', timestamp: T,
    event: { type, alertId: '11111111-1111-4111-8111-111111111111', ruleId: 'r0', accountId: 'a', projectId: 'p', ruleName: 'spike', metric: 'failure_rate', operator: 'gt',
      value: type === 'AlertFired' ? 0.25 : 0.02, threshold: 0.1, severity: 'high', dedupKey: `mittr-r0-${T}`, at: T },
  });

  it('given a firing and a resolve, then one mail each to the rule\'s recipients from MAIL_FROM, and no delivery for the engine', async () => {
    const handler = alertNotifierHandler({ topics: {} as Topics, store: store(), open: (s) => box.open(s), mailer,
      sendMail: async () => { throw new Error('not the connectors\' relay'); }, now: () => T });
    const { out } = await handler([alert('AlertFired'), alert('AlertResolved')], { heartbeat: async () => undefined });
    expect(out).toEqual([]);
    const fired = await smtp.waitFor((m) => m.subject === 'Mittr: spike at 25%', 10_000);
    expect(fired).toMatchObject({ from: 'mittr@ops.example.test', to: ['oncall@example.test', 'lead@example.test'] });
    expect(fired.envelope.to).toEqual(['oncall@example.test', 'lead@example.test']);
    expect(fired.text.trim()).toBe('Failure rate is 25% (threshold 10%)');
    const resolved = await smtp.waitFor((m) => m.subject === '[Mittr] Resolved: spike', 10_000);
    expect(resolved.text).toMatch(/^Resolved: spike \(failure_rate 2%, threshold 10%\)/);
    expect(smtp.received).toHaveLength(2);
  });
});
