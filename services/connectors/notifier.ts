import { createHash, randomUUID } from 'node:crypto';
import type { Topics } from '../capabilities.ts';
import type { DeliveryRequested } from '../deliveries/domain/messages.ts';
import { sealedTarget } from '../deliveries/domain/sealed-target.ts';
import type { EventAccepted } from '../events/domain/messages.ts';
import { requestTopic, type Opener } from '../events/router.ts';
import type { BatchHandler, Outgoing } from '../platform/kafka/processor.ts';
import type { ConfigStore } from '../platform/state/config-store.ts';
import { targetField, type ConnectorType } from './domain/catalog.ts';
import type { ConnectorState } from './domain/evolve.ts';
import { statusOf, type Notice } from './domain/formats/common.ts';
import { receivesEvent } from './domain/match.ts';
import type { ConnectorMailSent, ConnectorNotificationFailed } from './domain/messages.ts';
import { openConfig, type MailNotification } from './domain/notification.ts';
import type { MailResult, SmtpConfig } from './mail.ts';
import { prepareNotification } from './prepare.ts';

/** A connector's HTTP notifications get the engine's default attempts (its retry schedule, 002). */
const CONNECTOR_MAX_ATTEMPTS = 5;
/** The notifier waits this long at most for its configuration to catch up with an event's. */
const CONFIG_WAIT_MS = 10_000;
/** Mail is the notifier's own to retry: waits before the 2nd and 3rd attempts. */
export const MAIL_RETRY_MS = [1_000, 4_000] as const;

/**
 * The connector's URL (and headers) as the engine takes them: sealed as stored, beside the URL's
 * masked form (the lanes and the attempts recorded forever never hold the credential).
 */
export function sealedTargetOf(c: ConnectorState): string {
  const field = targetField(c.definition.type as ConnectorType)!;
  const config = JSON.parse(c.definition.config) as Record<string, string>;
  const masked = (JSON.parse(c.definition.masked) as Record<string, string>)[field]!;
  return sealedTarget(masked, config[field]!, config.headers ?? null);
}

/**
 * The id a connector's notification of an event is delivered under (X-Mittr-Event-ID, the
 * attempts' eventId): the same for every retry and redelivery, so receivers can dedupe; not the
 * event's own id, whose status counts only the destinations the router gave it (a Slack message
 * delivered first must not show the event delivered before its endpoints are).
 */
export function notificationId(eventId: string, connectorId: string): string {
  const h = createHash('sha256').update(`${eventId}/${connectorId}`).digest('hex');
  // An RFC 9562 version 8 (custom) UUID.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export type NotifierDeps = {
  topics: Topics; store: ConfigStore; open: (sealed: string) => string;
  /**
   * Opens an event's sealed payload and headers (Serde.openDecoded): the notifier reads events
   * with them left sealed, as the router does, and opens one only for a project with connectors.
   */
  openEvent?: Opener;
  sendMail: (config: SmtpConfig, mail: MailNotification) => Promise<MailResult>;
  now?: () => number; sleep?: (ms: number) => Promise<void>;
};

/**
 * The notifier: for each accepted event, the project's connectors that receive it (type, filter,
 * categories, active), each one's native message rendered from its templates. An HTTP message is
 * handed to the delivery engine as a DeliveryRequested to the connector's URL, so its retries,
 * signing and visibility are the engine's, as for any delivery. Mail the engine cannot send (it
 * speaks HTTP): the notifier sends it over SMTP itself, retrying on its own short schedule, and
 * records each outcome (ConnectorMailSent, ConnectorNotificationFailed). A template that fails to
 * render is a recorded failure, never a stalled partition.
 */
export function notifierHandler(d: NotifierDeps): BatchHandler {
  const now = d.now ?? Date.now;
  const sleep = d.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  const failed = (c: ConnectorState, eventId: string, attempt: number, error: string, final: boolean): Outgoing => ({
    topic: d.topics.notifications, key: c.connectorId,
    event: { type: 'ConnectorNotificationFailed', connectorId: c.connectorId, accountId: c.accountId, projectId: c.projectId, eventId, attempt, error, final, at: now() } satisfies ConnectorNotificationFailed,
  });

  /** Sends one mail with its retries; answers the outcome records. */
  async function mail(c: ConnectorState, eventId: string, m: MailNotification): Promise<Outgoing[]> {
    const out: Outgoing[] = [];
    const config = openConfig(c.definition, d.open) as SmtpConfig;
    for (let attempt = 1; ; attempt++) {
      const r = await d.sendMail(config, m);
      if (r.ok) {
        out.push({ topic: d.topics.notifications, key: c.connectorId, event: { type: 'ConnectorMailSent', connectorId: c.connectorId,
          accountId: c.accountId, projectId: c.projectId, eventId, attempt, messageId: r.messageId ?? '', at: now() } satisfies ConnectorMailSent });
        return out;
      }
      const wait = MAIL_RETRY_MS[attempt - 1];
      const final = !r.retryable || wait === undefined;
      out.push(failed(c, eventId, attempt, r.error ?? 'mail not sent', final));
      if (final) return out;
      await sleep(wait);
    }
  }

  async function notify(e: EventAccepted, c: ConnectorState, n: Notice, t: number): Promise<Outgoing[]> {
    let prepared;
    try { prepared = await prepareNotification(c, d.open, n); } catch (err) {
      return [failed(c, e.eventId, 1, `template failed: ${(err as Error).message}`, true)];
    }
    if (prepared.kind === 'mail') return mail(c, e.eventId, prepared);
    const request: DeliveryRequested = {
      type: 'DeliveryRequested', dispatchId: randomUUID(), eventId: notificationId(e.eventId, c.connectorId), accountId: e.accountId, projectId: e.projectId,
      // The connector's headers travel sealed with its URL (sealedTargetOf), not in the clear here.
      endpointId: null, eventType: e.eventType, url: sealedTargetOf(c), payload: prepared.body, headers: {},
      attempt: 1, maxAttempts: CONNECTOR_MAX_ATTEMPTS, priority: e.priority, dueAt: t, createdAt: e.createdAt, fifo: false,
      ...(prepared.method === 'POST' ? {} : { method: prepared.method }), connectorId: c.connectorId,
    };
    return [{ topic: requestTopic(d.topics, request, t), key: request.dispatchId, event: request }];
  }

  return async (messages) => {
    const out: Outgoing[] = [];
    const t = now();
    const work: Array<Promise<Outgoing[]>> = [];
    for (const m of messages) {
      const e = m.event;
      // Direct events (a destination URL) name their one receiver; only typed events reach connectors.
      if (e.type !== 'EventAccepted' || e.eventType === null || e.destination !== null) continue;
      // Read-your-writes for configuration, as the router's: the connectors the API had when it accepted the event.
      const seen = e.connectorsOffset ?? -1;
      if (d.store.offset(d.topics.connectors) < seen) await d.store.waitUntil(() => d.store.offset(d.topics.connectors) >= seen, CONFIG_WAIT_MS);
      const candidates = d.store.state.connectors.ofProject(e.projectId);
      if (candidates.length === 0) continue;
      const opened = d.openEvent ? d.openEvent(e) : e;
      const data = JSON.parse(opened.payload) as unknown;
      const ctx = { id: e.eventId, eventType: e.eventType, data, headers: opened.headers };
      const notice: Notice = { eventType: e.eventType, eventId: e.eventId, at: e.createdAt, payload: data, status: statusOf(data) };
      for (const c of candidates) if (c.accountId === e.accountId && receivesEvent(c.definition, ctx)) work.push(notify(e, c, notice, t));
    }
    // Mail to several relays goes out side by side; the batch commits when all are settled.
    for (const records of await Promise.all(work)) out.push(...records);
    return { out, handled: messages.length };
  };
}
