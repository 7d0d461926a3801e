import { HTTP_METHODS } from '../../deliveries/domain/messages.ts';
/**
 * The connector types and their configuration fields, as data: GET /connectors/types shows it,
 * buildDefinition checks configurations against it, and `secret` fields are sealed at rest and
 * masked on read (the URL of an incoming webhook is its credential).
 */
export const CONNECTOR_TYPES = ['slack', 'discord', 'teams', 'email', 'webhook', 'zapier', 'generic'] as const;
export type ConnectorType = (typeof CONNECTOR_TYPES)[number];

export type FieldKind = 'url' | 'string' | 'integer' | 'number' | 'boolean' | 'email' | 'email[]' | 'headers';
export type ConfigField = { name: string; kind: FieldKind; secret?: boolean; values?: readonly string[]; description: string };
export type TypeSpec = { description: string; delivery: 'http' | 'smtp'; required: readonly ConfigField[]; optional: readonly ConfigField[] };

const webhookUrl = (what: string): ConfigField => ({ name: 'webhookUrl', kind: 'url', secret: true, description: `The ${what} URL (its token is in it: sealed at rest, masked on read)` });

/** The engine's pacing and breaker of the connector (domain/limits.ts has each type's defaults). */
const LIMITS: readonly ConfigField[] = [
  { name: 'rateLimitPerSec', kind: 'number', description: 'Deliveries per second at most (0: none); default per type: slack 1, discord 0.5, teams 4, zapier 10, webhook and generic none' },
  { name: 'circuitThreshold', kind: 'number', description: 'Consecutive failures that open the circuit (0: never); default 5' },
  { name: 'circuitResetSeconds', kind: 'number', description: 'How long an open circuit holds deliveries before one probe; default 60' },
];

export const CATALOG: Readonly<Record<ConnectorType, TypeSpec>> = {
  slack: {
    description: 'Post to a Slack channel through an incoming webhook: text, attachments (color) and Block Kit blocks',
    delivery: 'http', required: [webhookUrl('Slack incoming webhook')],
    optional: [
      { name: 'channel', kind: 'string', description: 'Channel override, e.g. #alerts' },
      { name: 'username', kind: 'string', description: 'Bot name shown' },
      { name: 'iconEmoji', kind: 'string', description: 'Icon, e.g. :satellite:' },
      { name: 'linkUrl', kind: 'url', description: 'A link the message\'s button opens (an actions block)' },
    ],
  },
  discord: {
    description: 'Send to a Discord channel through a webhook: content and an embed colored by status',
    delivery: 'http', required: [webhookUrl('Discord webhook')],
    optional: [
      { name: 'username', kind: 'string', description: 'Bot name shown' },
      { name: 'avatarUrl', kind: 'url', description: 'Bot avatar' },
    ],
  },
  teams: {
    description: 'Post to Microsoft Teams: a MessageCard (incoming webhook) or an Adaptive Card v1.4 (workflows)',
    delivery: 'http', required: [webhookUrl('Teams incoming webhook or workflow')],
    optional: [{ name: 'format', kind: 'string', values: ['messagecard', 'adaptivecard'], description: 'messagecard (default) or adaptivecard' }],
  },
  email: {
    description: 'Mail through your SMTP relay: subject and body from templates, to several recipients',
    delivery: 'smtp',
    required: [
      { name: 'smtpHost', kind: 'string', description: 'SMTP relay host' },
      { name: 'fromEmail', kind: 'email', description: 'Sender address' },
      { name: 'toEmails', kind: 'email[]', description: 'Recipients (1-50)' },
    ],
    optional: [
      { name: 'smtpPort', kind: 'integer', description: 'Port (default 587)' },
      { name: 'smtpUsername', kind: 'string', description: 'Login' },
      { name: 'smtpPassword', kind: 'string', secret: true, description: 'Password (sealed at rest, masked on read)' },
      { name: 'secure', kind: 'boolean', description: 'TLS from the first byte (port 465); otherwise STARTTLS when offered' },
    ],
  },
  webhook: {
    description: 'POST the event payload as-is to a URL',
    delivery: 'http', required: [{ name: 'url', kind: 'url', secret: true, description: 'Where to POST (sealed at rest, masked on read)' }],
    optional: [{ name: 'headers', kind: 'headers', secret: true, description: 'Extra request headers (sealed, masked on read)' }],
  },
  zapier: {
    description: 'Trigger a Zap (Webhooks by Zapier, Catch Hook) with the event as flattened JSON (a.b.c keys)',
    delivery: 'http', required: [webhookUrl('Zapier Catch Hook')], optional: [],
  },
  generic: {
    description: 'Any HTTP endpoint: URL, method, headers and a body template',
    delivery: 'http',
    required: [
      { name: 'url', kind: 'url', secret: true, description: 'Target URL (sealed at rest, masked on read)' },
      { name: 'method', kind: 'string', values: HTTP_METHODS, description: 'HTTP method: POST, PUT or PATCH send the rendered body; GET and DELETE send none (the event is in the URL the receiver was given, or not needed)' },
    ],
    optional: [
      { name: 'headers', kind: 'headers', secret: true, description: 'Request headers (sealed, masked on read)' },
      { name: 'bodyTemplate', kind: 'string', description: 'Body template (Go-template syntax); default: the payload as JSON' },
    ],
  },
};

for (const spec of Object.values(CATALOG)) if (spec.delivery === 'http') (spec as { optional: readonly ConfigField[] }).optional = [...spec.optional, ...LIMITS];

export const isConnectorType = (t: string): t is ConnectorType => (CONNECTOR_TYPES as readonly string[]).includes(t);
export const fieldsOf = (t: ConnectorType): ConfigField[] => [...CATALOG[t].required, ...CATALOG[t].optional];
/** The URL a connector's notifications are sent to, for the HTTP types. */
export const targetField = (t: ConnectorType): string | null => (CATALOG[t].delivery === 'smtp' ? null : t === 'webhook' || t === 'generic' ? 'url' : 'webhookUrl');

/** The template fields a connector may set, each a Go template. */
export const TEMPLATE_FIELDS = ['title', 'text', 'color', 'subject', 'body'] as const;
export type TemplateField = (typeof TEMPLATE_FIELDS)[number];
export type Template = Partial<Record<TemplateField, string>>;

/** Defaults per type (000, Default templates). The body lists every payload field. */
export const DEFAULT_TEMPLATES: Readonly<Record<ConnectorType, Template>> = {
  slack: { text: '{{.event_type}}: {{.message}}', color: '#36a64f' },
  discord: { text: '{{.event_type}}: {{.message}}', color: '#3498db' },
  teams: { title: '{{.event_type}}', text: '{{.message}}', color: '#0076D7' },
  email: { subject: '[Mittr] {{.event_type}}', body: '{{range $key, $value := .payload}}{{$key}}: {{$value}}\n{{end}}' },
  webhook: {}, zapier: {}, generic: {},
};
