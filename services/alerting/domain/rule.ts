import { DomainError } from '../../platform/domain/errors.ts';
import { isRate, MAX_WINDOW_MS, METRICS, MIN_WINDOW_MS, OPERATORS, parseCondition, parseDuration, PERCENTILES, type Metric, type Operator } from './condition.ts';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const ACTION_TYPES = ['slack', 'email', 'webhook', 'pagerduty', 'connector'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];
export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';
const MAX_COOLDOWN_MS = 7 * 86_400_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A rule as the log holds it (AlertRuleCreated/Updated `definition`, as JSON text). */
export type RuleDefinition = {
  name: string; description: string; enabled: boolean; severity: string;
  metric: Metric; operator: Operator; threshold: number; percentile: number | null;
  window: string; windowMs: number; endpointId: string | null; eventType: string | null;
  /** The action: its fields with the secret ones sealed (`config`) and as shown on read (`masked`). */
  action: { type: ActionType; connector: string | null; config: Record<string, unknown>; masked: Record<string, unknown> };
  cooldown: string; cooldownMs: number;
};

/** The API's fields after normalizeRuleInput: the condition as an object, the action's secrets in the clear. */
export type RuleInput = {
  name?: string; description?: string; enabled?: boolean; severity?: string; cooldown?: string;
  condition?: { metric?: string; operator?: string; value?: number; window?: string; percentile?: number | null; endpointId?: string | null; eventType?: string | null };
  action?: Record<string, unknown> & { type?: string };
};

export type Seal = (plain: string) => string;
/** Which action fields are secret (sealed at rest, masked on read) and which are required. */
const ACTION_FIELDS: Record<ActionType, { required: string[]; secret: string[]; optional: string[] }> = {
  slack: { required: ['webhookUrl'], secret: ['webhookUrl'], optional: ['channel', 'username', 'iconEmoji', 'message'] },
  webhook: { required: ['webhookUrl'], secret: ['webhookUrl'], optional: ['message'] },
  pagerduty: { required: ['routingKey'], secret: ['routingKey'], optional: ['severity', 'message', 'url'] },
  connector: { required: ['connector'], secret: [], optional: [] },
  email: { required: ['to'], secret: [], optional: ['subject', 'message'] },
};
const URL_FIELDS = new Set(['webhookUrl', 'url']);

const bad = (message: string) => new DomainError('VALIDATION_ERROR', message);
const EMAIL = /^[^\s@<>,]+@[^\s@<>,]+\.[^\s@<>,]+$/;
const MAX_RECIPIENTS = 50;

/** An email action's `to`: a list of addresses, or one string of them separated by commas. */
function recipientsOf(v: unknown): string[] {
  const list = typeof v === 'string' ? v.split(',').map((s) => s.trim()) : v;
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_RECIPIENTS || !list.every((x) => typeof x === 'string' && x.length <= 254 && EMAIL.test(x))) {
    throw bad(`action.to must be 1-${MAX_RECIPIENTS} e-mail addresses (a list, or one string separated by commas)`);
  }
  return [...new Set(list as string[])];
}

/** 000's spelling ({condition: "failure_rate > 10%", window?, connectorName}) in 002's shape. */
export function normalizeRuleInput(body: Record<string, unknown>): RuleInput {
  const out = { ...body } as RuleInput & Record<string, unknown>;
  if (typeof body.condition === 'string') {
    const c = parseCondition(body.condition);
    out.condition = { metric: c.metric, operator: c.operator, value: c.value, percentile: c.percentile, window: typeof body.window === 'string' ? body.window : undefined };
  }
  if (typeof body.connectorName === 'string') out.action = { type: 'connector', connector: body.connectorName };
  delete out.connectorName;
  delete out.window;
  return out;
}

function maskOf(field: string, plain: string): string {
  if (!URL_FIELDS.has(field)) return '****';
  try { return `${new URL(plain).origin}/****`; } catch { return '****'; }
}

function actionOf(base: RuleDefinition['action'] | undefined, input: RuleInput['action'], seal: Seal): RuleDefinition['action'] {
  if (!input) { if (base) return base; throw bad('action is required'); }
  const type = (input.type ?? base?.type) as ActionType;
  if (!(ACTION_TYPES as readonly string[]).includes(type)) throw bad(`action.type must be one of ${ACTION_TYPES.join(', ')}`);
  const spec = ACTION_FIELDS[type];
  const same = base?.type === type;
  const config: Record<string, unknown> = same ? { ...base.config } : {};
  const masked: Record<string, unknown> = same ? { ...base.masked } : {};
  const known = new Set([...spec.required, ...spec.optional]);
  for (const [k, v] of Object.entries(input)) {
    if (k === 'type' || v === undefined) continue;
    if (!known.has(k)) throw bad(`action.${k} is not a field of a ${type} action (${[...known].join(', ')})`);
    if (type === 'email' && k === 'to') { config.to = recipientsOf(v); masked.to = config.to; continue; }
    if (typeof v !== 'string' || v.length === 0 || v.length > 4_000) throw bad(`action.${k} must be a non-empty string`);
    if (spec.secret.includes(k) && v === masked[k]) continue; // a GET echoed back keeps the stored secret
    if (URL_FIELDS.has(k)) {
      let ok = false;
      try { ok = ['http:', 'https:'].includes(new URL(v).protocol); } catch { /* below */ }
      if (!ok) throw bad(`action.${k} must be an absolute http(s) URL`);
    }
    if (k === 'severity' && !(SEVERITIES as readonly string[]).includes(v)) throw bad(`action.severity must be one of ${SEVERITIES.join(', ')}`);
    if (spec.secret.includes(k)) { config[k] = seal(JSON.stringify(v)); masked[k] = maskOf(k, v); } else { config[k] = v; masked[k] = v; }
  }
  for (const f of spec.required) if (config[f] === undefined) throw bad(`action.${f} is required for a ${type} action`);
  return { type, connector: type === 'connector' ? String(config.connector) : null, config, masked };
}

function conditionOf(base: RuleDefinition | undefined, c: RuleInput['condition']) {
  const metric = (c?.metric ?? base?.metric) as Metric;
  if (!(METRICS as readonly string[]).includes(metric)) throw bad(`condition.metric must be one of ${METRICS.join(', ')}`);
  const operator = (c?.operator ?? base?.operator) as Operator;
  if (!(OPERATORS as readonly string[]).includes(operator)) throw bad(`condition.operator must be one of ${OPERATORS.join(', ')}`);
  const threshold = c?.value ?? base?.threshold;
  if (typeof threshold !== 'number' || !Number.isFinite(threshold)) throw bad('condition.value must be a number');
  if (isRate(metric) && (threshold < 0 || threshold > 1)) throw bad(`condition.value of ${metric} is a fraction between 0 and 1 (0.1 is 10%)`);
  if (!isRate(metric) && threshold < 0) throw bad('condition.value must not be negative');
  const window = c?.window ?? base?.window ?? '5m';
  const windowMs = parseDuration(window);
  if (windowMs === null || windowMs < MIN_WINDOW_MS || windowMs > MAX_WINDOW_MS) throw bad('condition.window must be a duration from 1m to 24h ("5m", "1h")');
  const percentile = metric === 'latency' ? (c?.percentile ?? (base?.metric === 'latency' ? base.percentile : null) ?? 95) : null;
  if (percentile !== null && !(PERCENTILES as readonly number[]).includes(percentile)) throw bad(`condition.percentile must be one of ${PERCENTILES.join(', ')}`);
  const endpointId = c?.endpointId !== undefined ? c.endpointId : base?.endpointId ?? null;
  if (endpointId !== null && !UUID.test(endpointId)) throw bad('condition.endpointId must be an endpoint id');
  const eventType = c?.eventType !== undefined ? c.eventType : base?.eventType ?? null;
  if (eventType !== null && (eventType.length === 0 || eventType.length > 255)) throw bad('condition.eventType must be an event type name');
  if (metric === 'queue_depth' && eventType !== null) throw bad('queue_depth is counted per project or endpoint, not per event type');
  return { metric, operator, threshold, percentile, window, windowMs, endpointId, eventType };
}

/** Validates the input merged over the stored rule (a PUT changes what it names) and seals the action's secrets. Pure. */
export function buildRule(base: RuleDefinition | undefined, input: RuleInput, seal: Seal): RuleDefinition {
  const name = (input.name ?? base?.name ?? '').trim();
  if (name.length === 0 || name.length > 255) throw bad('name is required (1-255 characters)');
  const severity = input.severity ?? base?.severity ?? 'high';
  if (!(SEVERITIES as readonly string[]).includes(severity)) throw bad(`severity must be one of ${SEVERITIES.join(', ')}`);
  const cooldown = input.cooldown ?? base?.cooldown ?? '15m';
  const cooldownMs = cooldown === '0' ? 0 : parseDuration(cooldown);
  if (cooldownMs === null || cooldownMs > MAX_COOLDOWN_MS) throw bad('cooldown must be a duration up to 7d ("15m") or "0"');
  return {
    name, description: input.description ?? base?.description ?? '', enabled: input.enabled ?? base?.enabled ?? true, severity,
    ...conditionOf(base, input.condition), action: actionOf(base?.action, input.action, seal), cooldown, cooldownMs,
  };
}
