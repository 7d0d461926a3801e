import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Topics } from '../capabilities.ts';
import type { Incoming } from '../platform/kafka/processor.ts';
import { SecretBox } from '../platform/security/secrets.ts';
import type { ConfigStore } from '../platform/state/config-store.ts';
import { decide } from './domain/decide.ts';
import { normalizeInput } from './domain/definition.ts';
import type { MailResult } from './mail.ts';
import { MAIL_RETRY_MS, notificationId, notifierHandler } from './notifier.ts';
import { ConnectorsState } from './state.ts';
import { templateProblems } from './templates.ts';

const box = new SecretBox(randomBytes(32));
const topics = { notifications: 'notifications', lane: (l: string) => `lane.${l}`, delay: (ms: number) => `delay.${ms}` } as unknown as Topics;
const T = 1_700_000_000_000;

/** The project's connectors in a real ConnectorsState slice, as the notifier's store holds them. */
function storeWith(...inputs: Record<string, unknown>[]) {
  const connectors = new ConnectorsState('connectors');
  inputs.forEach((input, i) => decide(undefined, { type: 'Create', connectorId: `c${i}`, accountId: 'a', projectId: 'p', input: normalizeInput(input), count: 0, limit: null, plan: 'x' }, T,
    { seal: (s) => box.seal(s), checkTemplate: templateProblems }).forEach((e) => connectors.apply(e)));
  return { state: { connectors }, offset: () => 0, waitUntil: async () => true } as unknown as ConfigStore;
}
const accepted = (eventType: string, payload: object): Incoming => ({
  topic: 'events', partition: 0, offset: '0', key: 'e1', timestamp: T,
  event: { type: 'EventAccepted', eventId: 'e1', accountId: 'a', projectId: 'p', idempotencyKey: 'k', destination: null, eventType, payload: JSON.stringify(payload),
    headers: {}, maxAttempts: 5, priority: 5, delaySeconds: 0, createdAt: T, maxAttemptsSet: false, configOffset: -1 },
});
const mailConnector = { name: 'm', type: 'email', eventTypes: ['*'], config: { smtpHost: 'relay.example', fromEmail: 'a@example.test', toEmails: ['b@example.test'] } };

describe('the notifier', () => {
  it('gives each (event, connector) one stable UUID of its own, apart from the event\'s', () => {
    const id = notificationId('0b7e6c1a-6f0e-4f43-8f57-7d2e1b9b6a01', 'c1');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(notificationId('0b7e6c1a-6f0e-4f43-8f57-7d2e1b9b6a01', 'c1')).toBe(id);
    expect(notificationId('0b7e6c1a-6f0e-4f43-8f57-7d2e1b9b6a01', 'c2')).not.toBe(id);
  });

  it('given a slack connector, when a matching event is accepted, then one DeliveryRequested to a lane with the native body and the URL sealed', async () => {
    const handler = notifierHandler({ topics, store: storeWith({ name: 's', type: 'slack', eventTypes: ['order.*'], config: { webhookUrl: 'https://hooks.slack.com/services/T/B/secret' } }),
      open: (s) => box.open(s), sendMail: async () => { throw new Error('no mail here'); }, now: () => T });
    const { out } = await handler([accepted('order.created', { message: 'hi' }), accepted('user.created', {})], { heartbeat: async () => undefined });
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ topic: 'lane.normal', event: { type: 'DeliveryRequested', endpointId: null, eventId: notificationId('e1', 'c0'), attempt: 1, maxAttempts: 5 } });
    const r = out[0]!.event as { url: string; payload: string };
    expect(r.url).toMatch(/^sealed:https:\/\/hooks\.slack\.com\/\*\*\*\*\|v1\./);
    expect(r.url).not.toContain('secret');
    expect(JSON.parse(r.payload)).toMatchObject({ text: 'order.created: hi' });
  });

  it('given events read sealed, when a project has no connector, then none is opened; with one, each of its events once, and matched on what it opened', async () => {
    const opened: string[] = [];
    // A stand-in for Serde.openDecoded: the payload arrives "sealed" (reversed) and opens in place.
    const openEvent = <E extends { eventId: string; payload: string }>(e: E): E => {
      opened.push(e.eventId);
      e.payload = [...e.payload].reverse().join('');
      return e;
    };
    const sealedAccepted = (projectId: string, eventId: string, payload: object): Incoming => {
      const m = accepted('order.created', payload);
      const e = m.event as { projectId: string; eventId: string; payload: string };
      Object.assign(e, { projectId, eventId, payload: [...JSON.stringify(payload)].reverse().join('') });
      return m;
    };
    const handler = notifierHandler({ topics, store: storeWith({ name: 's', type: 'slack', eventTypes: ['order.*'], config: { webhookUrl: 'https://hooks.slack.com/services/T/B/secret' } }),
      open: (s) => box.open(s), openEvent, sendMail: async () => { throw new Error('no mail here'); }, now: () => T });
    const { out } = await handler([sealedAccepted('other', 'e0', { message: 'elsewhere' }), sealedAccepted('p', 'e1', { message: 'hi' })], { heartbeat: async () => undefined });
    expect(opened).toEqual(['e1']);
    expect(out).toHaveLength(1);
    expect(JSON.parse((out[0]!.event as { payload: string }).payload)).toMatchObject({ text: 'order.created: hi' });
  });

  it('given a relay that refuses for now, when mail is due, then retried on the notifier\'s schedule and each outcome recorded', async () => {
    const answers: MailResult[] = [
      { ok: false, statusCode: 421, messageId: null, error: 'try later', retryable: true },
      { ok: true, statusCode: 250, messageId: '<m1>', error: null, retryable: false },
    ];
    const waits: number[] = [];
    const handler = notifierHandler({ topics, store: storeWith(mailConnector), open: (s) => box.open(s), now: () => T,
      sendMail: async () => answers.shift()!, sleep: async (ms) => { waits.push(ms); } });
    const { out } = await handler([accepted('x', { a: 1 })], { heartbeat: async () => undefined });
    expect(waits).toEqual([MAIL_RETRY_MS[0]]);
    expect(out.map((o) => o.event)).toMatchObject([
      { type: 'ConnectorNotificationFailed', connectorId: 'c0', eventId: 'e1', attempt: 1, error: 'try later', final: false },
      { type: 'ConnectorMailSent', connectorId: 'c0', eventId: 'e1', attempt: 2, messageId: '<m1>' },
    ]);
  });

  it('given a relay that refuses for good, or a template that fails to render, then one final recorded failure and no retry', async () => {
    const handler = notifierHandler({ topics, open: (s) => box.open(s), now: () => T, sleep: async () => { throw new Error('no retry expected'); },
      store: storeWith(mailConnector, { name: 'loop', type: 'slack', eventTypes: ['*'], config: { webhookUrl: 'https://hooks.slack.com/x' },
        template: { text: '{{range .l}}{{range $.l}}{{range $.l}}{{.}}{{end}}{{end}}{{end}}' } }),
      sendMail: async () => ({ ok: false, statusCode: 550, messageId: null, error: 'no such mailbox', retryable: false }) });
    const { out } = await handler([accepted('x', { l: Array.from({ length: 500 }, () => 'y'.repeat(500)) })], { heartbeat: async () => undefined });
    expect(out.map((o) => o.event)).toMatchObject([
      { type: 'ConnectorNotificationFailed', connectorId: 'c0', attempt: 1, error: 'no such mailbox', final: true },
      { type: 'ConnectorNotificationFailed', connectorId: 'c1', attempt: 1, error: expect.stringMatching(/^template failed: .*limit/i), final: true },
    ]);
  });
});
