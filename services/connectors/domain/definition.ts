import { headerProblems } from '../../deliveries/domain/delivery-headers.ts';
import { DomainError } from '../../platform/domain/errors.ts';
import { compileFilter, type FilterRule } from '../../endpoints/domain/filter.ts';
import { CATALOG, fieldsOf, isConnectorType, TEMPLATE_FIELDS, type ConfigField, type ConnectorType, type Template } from './catalog.ts';
import type { ConnectorDefinition } from './messages.ts';

/** The API's view of a connector's fields (after normalizeInput): config and template as JSON values, secrets in the clear. */
export type ConnectorInput = {
  name?: string; type?: string; description?: string;
  config?: Record<string, unknown>; template?: Template | null;
  eventTypes?: string[]; filter?: FilterRule[] | null; categories?: string[];
  severityFilter?: string[]; alertTypeFilter?: string[] | null; isActive?: boolean;
};

/** What the caller supplies: sealing (the master key is not the domain's) and the template check (the engine is not either). */
export type Sealer = { seal(plain: string): string; checkTemplate(t: Template): string[] };

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
const DEFAULT_SEVERITIES = ['high', 'critical'];
const MASK = '****';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

/** How a secret is shown on read: a URL keeps its origin (which service it posts to), the rest is hidden. */
export function maskOf(field: ConfigField, plain: unknown): unknown {
  if (field.kind === 'headers') return Object.fromEntries(Object.keys(plain as object).map((k) => [k, MASK]));
  if (field.kind === 'url') { try { return `${new URL(String(plain)).origin}/${MASK}`; } catch { return MASK; } }
  return MASK;
}

const isMasked = (field: ConfigField, v: unknown, masked: Record<string, unknown>) => JSON.stringify(v) === JSON.stringify(masked[field.name]);

function fieldProblem(f: ConfigField, v: unknown): string | null {
  const at = `config.${f.name}`;
  switch (f.kind) {
    case 'url': {
      try { const u = new URL(String(v)); if (typeof v === 'string' && (u.protocol === 'https:' || u.protocol === 'http:')) return null; } catch { /* below */ }
      return `${at} must be an absolute http(s) URL`;
    }
    case 'string':
      if (typeof v !== 'string' || v.trim() === '' || v.length > 1_000) return `${at} must be a non-empty string of at most 1000 characters`;
      return f.values && !f.values.includes(v) ? `${at} must be one of ${f.values.join(', ')}` : null;
    case 'integer': return Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 65_535 ? null : `${at} must be a port number (1-65535)`;
    case 'number': return typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 3_600 ? null : `${at} must be a number from 0 to 3600`;
    case 'boolean': return typeof v === 'boolean' ? null : `${at} must be true or false`;
    case 'email': return typeof v === 'string' && EMAIL.test(v) ? null : `${at} must be an e-mail address`;
    case 'email[]': return Array.isArray(v) && v.length >= 1 && v.length <= 50 && v.every((x) => typeof x === 'string' && EMAIL.test(x)) ? null : `${at} must be a list of 1-50 e-mail addresses`;
    case 'headers': return headerProblems(v, at)[0] ?? null;
  }
}

/**
 * Merges the input's config over the stored one (a PUT naming `channel` keeps the webhook URL),
 * checks each field against the type's catalog, and seals the secret fields that changed. A
 * secret sent back as its masked form (a client echoing a GET) keeps the stored value.
 */
function buildConfig(type: ConnectorType, base: ConnectorDefinition | undefined, input: Record<string, unknown> | undefined, seal: Sealer, problems: string[]) {
  const stored = base ? JSON.parse(base.config) as Record<string, unknown> : {};
  const storedMask = base ? JSON.parse(base.masked) as Record<string, unknown> : {};
  const fields = fieldsOf(type);
  const config: Record<string, unknown> = { ...stored };
  const masked: Record<string, unknown> = { ...storedMask };
  for (const [k, v] of Object.entries(input ?? {})) {
    const f = fields.find((x) => x.name === k);
    if (!f) { problems.push(`config.${k} is not a ${type} field (fields: ${fields.map((x) => x.name).join(', ')})`); continue; }
    if (v === null || v === undefined) {
      if (CATALOG[type].required.includes(f)) problems.push(`config.${k} is required`);
      delete config[k]; delete masked[k]; continue;
    }
    if (f.secret && isMasked(f, v, storedMask)) continue;
    const problem = fieldProblem(f, v);
    if (problem) { problems.push(problem); continue; }
    if (f.secret) { config[k] = seal.seal(JSON.stringify(v)); masked[k] = maskOf(f, v); } else config[k] = v;
  }
  for (const f of CATALOG[type].required) if (config[f.name] === undefined && !problems.some((p) => p.startsWith(`config.${f.name} `))) problems.push(`config.${f.name} is required`);
  return { config, masked };
}

function templateOf(base: ConnectorDefinition | undefined, input: Template | null | undefined, seal: Sealer, problems: string[]): string | null {
  if (input === undefined) return base?.template ?? null;
  if (input === null) return null;
  if (typeof input !== 'object' || Array.isArray(input)) { problems.push('template must be an object of title, text, color, subject, body'); return null; }
  const merged: Template = { ...(base?.template ? JSON.parse(base.template) as Template : {}) };
  for (const [k, v] of Object.entries(input)) {
    if (!(TEMPLATE_FIELDS as readonly string[]).includes(k)) { problems.push(`template.${k} is not a template field (${TEMPLATE_FIELDS.join(', ')})`); continue; }
    if (v === null) delete merged[k as keyof Template];
    else if (typeof v !== 'string') problems.push(`template.${k} must be a string`);
    else merged[k as keyof Template] = v;
  }
  problems.push(...seal.checkTemplate(merged));
  return Object.keys(merged).length === 0 ? null : JSON.stringify(merged);
}

const strings = (v: unknown, max: number) => Array.isArray(v) && v.length <= max && v.every((x) => typeof x === 'string' && x.trim() !== '' && x.length <= 255);

/**
 * Merges `input` over `base` (undefined when creating) and checks every field; throws
 * VALIDATION_ERROR listing all problems. The type never changes: its config would not fit.
 */
export function buildDefinition(base: ConnectorDefinition | undefined, input: ConnectorInput, seal: Sealer): ConnectorDefinition {
  const problems: string[] = [];
  const typeName = base?.type ?? input.type ?? '';
  if (base && input.type !== undefined && input.type !== base.type) problems.push('type cannot change; create a new connector instead');
  if (!isConnectorType(typeName)) throw new DomainError('VALIDATION_ERROR', `type must be one of ${Object.keys(CATALOG).join(', ')}`, { problems: ['type'] });
  const name = input.name ?? base?.name ?? '';
  if (typeof name !== 'string' || name.trim() === '' || name.length > 255 || /[/\p{Cc}]/u.test(name)) problems.push('name must be 1-255 characters, without / or control characters');
  else if (UUID.test(name)) problems.push('name cannot be a UUID: connectors are addressed by name or by id');
  const badConfig = input.config !== undefined && (input.config === null || typeof input.config !== 'object' || Array.isArray(input.config));
  if (badConfig) problems.push('config must be an object of the type\'s fields (GET /connectors/types lists them)');
  const { config, masked } = buildConfig(typeName, base, badConfig ? undefined : input.config, seal, problems);
  const eventTypes = input.eventTypes ?? base?.eventTypes ?? [];
  if (!strings(eventTypes, 100)) problems.push('eventTypes must be a list of at most 100 event type names (wildcards like payment.* allowed)');
  let filter = base?.filter ?? null;
  if (input.filter !== undefined) {
    try { if (input.filter !== null) compileFilter(input.filter); filter = input.filter === null || input.filter.length === 0 ? null : JSON.stringify(input.filter); } catch (err) {
      problems.push((err as Error).message);
    }
  }
  const categories = input.categories ?? base?.categories ?? [];
  if (!strings(categories, 50)) problems.push('categories must be a list of at most 50 names');
  const severityFilter = input.severityFilter ?? base?.severityFilter ?? DEFAULT_SEVERITIES;
  if (!Array.isArray(severityFilter) || severityFilter.some((s) => !(SEVERITIES as readonly string[]).includes(s))) problems.push(`severity_filter must be a list of ${SEVERITIES.join(', ')}`);
  const alertTypeFilter = input.alertTypeFilter === undefined ? (base?.alertTypeFilter ?? null) : input.alertTypeFilter;
  if (alertTypeFilter !== null && !strings(alertTypeFilter, 50)) problems.push('alert_type_filter must be null (all) or a list of alert types');
  const isActive = input.isActive ?? base?.isActive ?? true;
  const description = input.description ?? base?.description ?? '';
  if (typeof description !== 'string' || description.length > 1_000) problems.push('description must be at most 1000 characters');
  const template = templateOf(base, input.template, seal, problems);
  if (typeName === 'generic' && typeof config.bodyTemplate === 'string') problems.push(...seal.checkTemplate({ body: config.bodyTemplate }).map((p) => p.replace('template.body', 'config.bodyTemplate')));
  if (problems.length > 0) throw new DomainError('VALIDATION_ERROR', problems.join('; '), { problems });
  return {
    name: name.trim(), type: typeName, description, config: JSON.stringify(config), masked: JSON.stringify(masked), template,
    eventTypes, filter, categories, severityFilter: [...new Set(severityFilter)], alertTypeFilter, isActive,
  };
}

const camel = (k: string) => k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * The spellings the documents use, as one input: 000's `type`, `config.webhookUrl`, `template`;
 * 001's `config.webhook_url`, `events`, `filters.categories`; 004's `connector_type`, a top-level
 * `webhook_url`, `severity_filter`, `alert_type_filter`, `is_active`. snake_case config keys
 * become camelCase (`smtp_host` is `smtpHost`).
 */
export function normalizeInput(body: Record<string, unknown>): ConnectorInput {
  const rawConfig = body.config && typeof body.config === 'object' && !Array.isArray(body.config) ? body.config as Record<string, unknown> : undefined;
  let config = rawConfig ? Object.fromEntries(Object.entries(rawConfig).map(([k, v]) => [camel(k), v])) : undefined;
  if (body.webhook_url !== undefined || body.webhookUrl !== undefined) config = { ...config, webhookUrl: body.webhook_url ?? body.webhookUrl };
  const filters = body.filters && typeof body.filters === 'object' && !Array.isArray(body.filters) ? body.filters as Record<string, unknown> : {};
  const pick = <T>(...vs: unknown[]) => vs.find((v) => v !== undefined) as T | undefined;
  const input: ConnectorInput = {
    name: body.name as string | undefined, type: pick(body.type, body.connector_type), description: body.description as string | undefined,
    config: body.config !== undefined && !rawConfig ? body.config as Record<string, unknown> : config,
    template: body.template as Template | null | undefined,
    eventTypes: pick(body.eventTypes, body.events, body.event_types),
    filter: pick(body.filter, filters.rules),
    categories: pick(body.categories, filters.categories),
    severityFilter: pick(body.severityFilter, body.severity_filter),
    alertTypeFilter: pick(body.alertTypeFilter, body.alert_type_filter),
    isActive: pick(body.isActive, body.is_active),
  };
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as ConnectorInput;
}
