import { bodiless, type HttpMethod } from '../../deliveries/domain/messages.ts';
import { CATALOG, DEFAULT_TEMPLATES, fieldsOf, type ConnectorType, type Template } from './catalog.ts';
import type { Notice, Rendered } from './formats/common.ts';
import { discordMessage, type DiscordConfig } from './formats/discord.ts';
import { slackMessage, type SlackConfig } from './formats/slack.ts';
import { teamsMessage, type TeamsConfig } from './formats/teams.ts';
import { zapierBody } from './formats/zapier.ts';
import type { ConnectorDefinition } from './messages.ts';

/** The configuration with its secret fields opened (`open` is the caller's SecretBox). */
export function openConfig(d: ConnectorDefinition, open: (sealed: string) => string): Record<string, unknown> {
  const config = JSON.parse(d.config) as Record<string, unknown>;
  const secret = new Set(fieldsOf(d.type as ConnectorType).filter((f) => f.secret).map((f) => f.name));
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, secret.has(k) ? JSON.parse(open(String(v))) : v]));
}

/** The templates a connector renders: the type's defaults (000), each field overridden by its own. */
export function templatesOf(d: ConnectorDefinition): Template {
  const own = d.template ? JSON.parse(d.template) as Template : {};
  const type = d.type as ConnectorType;
  // A generic connector's body template is part of its config (001: url, method, headers, body template).
  const bodyTemplate = type === 'generic' ? (JSON.parse(d.config) as { bodyTemplate?: string }).bodyTemplate : undefined;
  return { ...DEFAULT_TEMPLATES[type], ...own, ...(bodyTemplate === undefined ? {} : { body: bodyTemplate }) };
}

/** An HTTP notification: what the delivery engine POSTs to the connector's target. */
export type HttpNotification = { kind: 'http'; url: string; method: HttpMethod; headers: Record<string, string>; body: string };
/** A mail notification: what the notifier hands to the connector's SMTP relay. */
export type MailNotification = { kind: 'mail'; subject: string; text: string };

/**
 * The native message of a connector's type for one notice, from its rendered templates and its
 * opened configuration (`config`, secrets in the clear). Pure.
 */
export function nativeNotification(d: ConnectorDefinition, config: Record<string, unknown>, r: Rendered, n: Notice): HttpNotification | MailNotification {
  const type = d.type as ConnectorType;
  if (CATALOG[type].delivery === 'smtp') return { kind: 'mail', subject: (r.subject ?? `[Mittr] ${n.eventType}`).replace(/[\r\n]+/g, ' ').slice(0, 998), text: r.body ?? '' };
  const url = String(config[type === 'webhook' || type === 'generic' ? 'url' : 'webhookUrl']);
  const headers = (config.headers ?? {}) as Record<string, string>;
  // Only a generic connector chooses its method; every platform's webhook takes a POST.
  const method = type === 'generic' && typeof config.method === 'string' ? config.method as HttpMethod : 'POST';
  const json = (o: unknown): HttpNotification => ({ kind: 'http', url, method, headers, body: JSON.stringify(o) });
  switch (type) {
    case 'slack': return json(slackMessage(config as SlackConfig, r, n));
    case 'discord': return json(discordMessage(config as DiscordConfig, r, n));
    case 'teams': return json(teamsMessage(config as TeamsConfig, r, n));
    case 'zapier': return json(zapierBody(n));
    case 'webhook': return json(n.payload);
    case 'generic': return bodiless(method) ? { kind: 'http', url, method, headers, body: '' }
      : r.body === undefined ? json(n.payload) : { kind: 'http', url, method, headers, body: r.body };
    case 'email': throw new Error('unreachable: email is delivered by SMTP');
  }
}
