import type { Notice } from './common.ts';

const MAX_KEYS = 1_000;

/** `{a: {b: {c: 1}}, l: [x]}` as `{"a.b.c": 1, "l.0": x}`: what a Zap's fields read best. Empty objects and lists stay as they are. */
export function flatten(value: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  const isContainer = value !== null && typeof value === 'object';
  const entries = isContainer ? Object.entries(value as object) : [];
  if (!isContainer || entries.length === 0) { if (prefix) out[prefix] = value; return out; }
  for (const [k, v] of entries) {
    if (Object.keys(out).length >= MAX_KEYS) break;
    flatten(v, prefix ? `${prefix}.${k}` : k, out);
  }
  return out;
}

/** The Zapier Catch Hook body: the event's identity, then its payload flattened. */
export function zapierBody(n: Notice): Record<string, unknown> {
  return { event_type: n.eventType, event_id: n.eventId, timestamp: new Date(n.at).toISOString(), ...flatten(n.payload) };
}
