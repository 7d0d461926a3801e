import { randomUUID } from 'node:crypto';
import type { Topics } from '../capabilities.ts';
import type { DeliveryRequested, HttpMethod } from '../deliveries/domain/messages.ts';
import { sealedTarget } from '../deliveries/domain/sealed-target.ts';
import { requestTopic } from '../events/router.ts';
import type { BatchHandler, Outgoing } from '../platform/kafka/processor.ts';
import type { ConfigStore } from '../platform/state/config-store.ts';
import type { ConnectorState } from '../connectors/domain/evolve.ts';
import { slackMessage } from '../connectors/domain/formats/slack.ts';
import { statusColor, type Notice } from '../connectors/domain/formats/common.ts';
import { receivesAlert } from '../connectors/domain/match.ts';
import type { ConnectorMailSent, ConnectorNotificationFailed } from '../connectors/domain/messages.ts';
import { openConfig, type MailNotification } from '../connectors/domain/notification.ts';
import type { MailResult, SmtpConfig } from '../connectors/mail.ts';
import { MAIL_RETRY_MS, notificationId, sealedTargetOf } from '../connectors/notifier.ts';
import { MailUnavailableError, type Mailer } from '../platform/mail/mailer.ts';
import { prepareNotification } from '../connectors/prepare.ts';
import { render, templateContext } from '../connectors/templates.ts';
import type { AlertRuleState } from './domain/evolve.ts';
import type { AlertEvent } from './domain/messages.ts';
import { alertFacts, defaultMessage, pagerDutyEvent } from './domain/payloads.ts';
import { PAGERDUTY_EVENTS_URL } from './domain/rule.ts';

/** An alert's notification gets the engine's default attempts, as a connector's does. */
const ALERT_MAX_ATTEMPTS = 5;
/** Alerts go ahead of ordinary traffic in the engine's lanes (1 is the highest priority). */
const ALERT_PRIORITY = 1;

export type AlertNotifierDeps = {
  topics: Topics; store: ConfigStore; open: (sealed: string) => string;
  sendMail: (config: SmtpConfig, mail: MailNotification) => Promise<MailResult>; now?: () => number;
  /**
   * The deployment's mailer (SMTP_URL, MAIL_FROM): an inline email action's relay. The operator's
   * relay, not the tenant's (whose own relay is an email connector): a rule names recipients only.
   */
  mailer?: Pick<Mailer, 'send'>;
  log?: (line: string) => void;
};

/**
 * The alert notifier: each AlertFired/AlertResolved to its rule's action, through the same
 * hand-off as the connectors' notifier: an HTTP message is a DeliveryRequested for the delivery
 * engine (its retries, signing, visibility), to a sealed target; mail goes to the connector's
 * relay. A named connector applies its severity_filter, alert_type_filter (the metric) and
 * is_active, and renders with its own templates and native format. Consumed in a Kafka
 * transaction, so two processes send each alert once.
 */
export function alertNotifierHandler(d: AlertNotifierDeps): BatchHandler {
  const now = d.now ?? Date.now;
  const log = d.log ?? ((line: string) => console.error(line));
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

  /** `body` is the payload as sent: a connector's rendered text, or a value sent as JSON. */
  function request(e: AlertEvent, url: string, body: unknown, key: string, t: number, method: HttpMethod = 'POST'): Outgoing {
    const r: DeliveryRequested = {
      type: 'DeliveryRequested', dispatchId: randomUUID(), eventId: notificationId(e.alertId, key), accountId: e.accountId, projectId: e.projectId,
      endpointId: null, eventType: e.type === 'AlertFired' ? 'alert.fired' : 'alert.resolved', url, payload: typeof body === 'string' ? body : JSON.stringify(body), headers: {},
      attempt: 1, maxAttempts: ALERT_MAX_ATTEMPTS, priority: ALERT_PRIORITY, dueAt: t, createdAt: e.at, fifo: false,
      ...(method === 'POST' ? {} : { method }),
    };
    return { topic: requestTopic(d.topics, r, t), key: r.dispatchId, event: r };
  }

  /** The rule's own message template over the alert's facts, else the default message; a template that fails falls back too. */
  async function messageOf(e: AlertEvent, template: unknown): Promise<string> {
    if (typeof template !== 'string' || e.type === 'AlertResolved') return defaultMessage(e);
    try { return await render(template, templateContext({ eventType: alertFacts(e).type, eventId: e.alertId, payload: alertFacts(e), at: e.at })); } catch { return defaultMessage(e); }
  }

  async function viaConnector(e: AlertEvent, rule: AlertRuleState, t: number): Promise<Outgoing[]> {
    const name = rule.definition.action.connector!;
    const connectors = d.store.state.connectors;
    const c: ConnectorState | undefined = connectors.get(name) ?? connectors.byName(rule.projectId, name);
    if (!c || c.deleted || c.projectId !== rule.projectId || !receivesAlert(c.definition, { severity: e.severity, alertType: e.metric })) return [];
    const facts = alertFacts(e);
    const notice: Notice = { eventType: facts.type, eventId: e.alertId, at: e.at, payload: { ...facts, message: defaultMessage(e) }, status: facts.status };
    const base = { connectorId: c.connectorId, accountId: c.accountId, projectId: c.projectId, eventId: e.alertId, attempt: 1, at: t };
    let prepared;
    try { prepared = await prepareNotification(c, d.open, notice); } catch (err) {
      return [{ topic: d.topics.notifications, key: c.connectorId, event: { type: 'ConnectorNotificationFailed', ...base, error: `template failed: ${(err as Error).message}`, final: true } satisfies ConnectorNotificationFailed }];
    }
    if (prepared.kind === 'http') {
      const out = request(e, sealedTargetOf(c), prepared.body, c.connectorId, t, prepared.method);
      (out.event as DeliveryRequested).connectorId = c.connectorId;
      return [out];
    }
    const r = await d.sendMail(openConfig(c.definition, d.open) as SmtpConfig, prepared);
    const event = r.ok ? { type: 'ConnectorMailSent', ...base, messageId: r.messageId ?? '' } satisfies ConnectorMailSent
      : { type: 'ConnectorNotificationFailed', ...base, error: r.error ?? 'mail not sent', final: true } satisfies ConnectorNotificationFailed;
    return [{ topic: d.topics.notifications, key: c.connectorId, event }];
  }

  /**
   * An inline email action: one message to its recipients through the deployment's mailer, tried
   * MAIL_RETRY_MS more times while the relay is away. Mail records no delivery (the engine speaks
   * HTTP); a mail that could not go is logged, and the alert stays in the history either way.
   */
  async function emailed(e: AlertEvent, config: Record<string, unknown>, text: string): Promise<Outgoing[]> {
    if (!d.mailer) { log(`mittr alert-notifier: alert ${e.alertId}: an email action, but no mailer here`); return []; }
    const to = (config.to as string[]).join(', ');
    const subject = (await subjectOf(e, config.subject)).replace(/[\r\n]+/g, ' ').slice(0, 998);
    for (let attempt = 0; ; attempt++) {
      try { await d.mailer.send({ to, subject, text }); return []; } catch (err) {
        const wait = MAIL_RETRY_MS[attempt];
        if (!(err instanceof MailUnavailableError) || wait === undefined) {
          log(`mittr alert-notifier: alert ${e.alertId}: mail to ${to} not sent: ${(err as Error).message}`);
          return [];
        }
        await sleep(wait);
      }
    }
  }

  async function subjectOf(e: AlertEvent, template: unknown): Promise<string> {
    const fallback = `[Mittr] ${e.type === 'AlertResolved' ? 'Resolved' : 'Alert'}: ${e.ruleName}`;
    // As the message's: a resolve says so in its own words, whatever the firing's template was.
    if (typeof template !== 'string' || e.type === 'AlertResolved') return fallback;
    try { return await render(template, templateContext({ eventType: alertFacts(e).type, eventId: e.alertId, payload: alertFacts(e), at: e.at })); } catch { return fallback; }
  }

  async function notify(e: AlertEvent, rule: AlertRuleState, t: number): Promise<Outgoing[]> {
    const a = rule.definition.action;
    const text = await messageOf(e, a.config.message);
    const sealed = (field: string) => sealedTarget(String(a.masked[field]), String(a.config[field]));
    switch (a.type) {
      case 'slack': {
        const facts = alertFacts(e);
        const notice: Notice = { eventType: facts.type, eventId: e.alertId, at: e.at, payload: facts, status: facts.status };
        const title = e.type === 'AlertResolved' ? `Resolved: ${e.ruleName}` : `Alert: ${e.ruleName}`;
        const config = { channel: a.config.channel as string | undefined, username: a.config.username as string | undefined, iconEmoji: a.config.iconEmoji as string | undefined };
        return [request(e, sealed('webhookUrl'), slackMessage(config, { title, text, color: statusColor(facts.status) ?? undefined }, notice), rule.ruleId, t)];
      }
      case 'webhook': return [request(e, sealed('webhookUrl'), { ...alertFacts(e), message: text }, rule.ruleId, t)];
      case 'pagerduty': {
        const routingKey = JSON.parse(d.open(String(a.config.routingKey))) as string;
        return [request(e, String(a.config.url ?? PAGERDUTY_EVENTS_URL), pagerDutyEvent(e, routingKey, text, a.config.severity as string | undefined), rule.ruleId, t)];
      }
      case 'connector': return viaConnector(e, rule, t);
      case 'email': return emailed(e, a.config, text);
    }
  }

  return async (messages) => {
    const t = now();
    const work: Array<Promise<Outgoing[]>> = [];
    for (const m of messages) {
      const e = m.event;
      if (e.type !== 'AlertFired' && e.type !== 'AlertResolved') continue;
      const rule = d.store.state.alertRules.get(e.ruleId);
      // A rule deleted since it fired sends nothing more.
      if (rule && !rule.deleted) work.push(notify(e, rule, t));
    }
    const out: Outgoing[] = [];
    for (const records of await Promise.all(work)) out.push(...records);
    return { out, handled: messages.length };
  };
}
