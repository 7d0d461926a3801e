import { query, type JsonValue } from 'jsonpath-rfc9535';
import { boundedMemo, normalizePath } from '../../endpoints/domain/partition-key.ts';
import { DEFAULT_MAX_ATTEMPTS, DEFAULT_PRIORITY } from '../../events/domain/decide.ts';
import type { EventAccepted } from '../../events/domain/messages.ts';

/**
 * What a verified request becomes (pure): the event's data from the raw body, its event type,
 * and the idempotency key that makes a provider's retry no second event.
 */

/** What a JSONPath mapping reads: lower-cased header names, the body's data, the query string. */
export type MappingContext = { headers: Record<string, string>; data: unknown; query: Record<string, string | string[]> };

const FORM = 'application/x-www-form-urlencoded';

/**
 * The event's data from the raw body. A JSON body (any `+json` or `/json` type, or any body that
 * parses as JSON) is its parsed value; a form post (`application/x-www-form-urlencoded`, what
 * Twilio and Slack commands send) is an object of its fields, a repeated field an array; any other
 * body is `{contentType, encoding: 'base64', body}`, so nothing is lost.
 */
export function bodyData(contentType: string | undefined, raw: Buffer): unknown {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (raw.length === 0) return {};
  if (type === FORM) return formFields(new URLSearchParams(raw.toString('utf8')));
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return { contentType: type || null, encoding: 'base64', body: raw.toString('base64') };
  }
}

/**
 * The event's payload text: the raw body itself when it is JSON in UTF-8 and `data` is still what
 * it parsed to (so the destination gets the provider's bytes), else `data` as JSON.
 */
export function payloadText(raw: Buffer, data: unknown, changed: boolean): string {
  if (!changed && raw.length > 0) {
    const text = raw.toString('utf8');
    if (Buffer.byteLength(text) === raw.length && Buffer.from(text, 'utf8').equals(raw)) {
      try {
        // The body was read as this JSON (not as a form, say): its text is the payload.
        if (JSON.stringify(JSON.parse(text)) === JSON.stringify(data)) return text;
      } catch { /* not JSON: its data is */ }
    }
  }
  return JSON.stringify(data ?? null);
}

/** URL search parameters as an object: a name given once a string, given again an array. */
export function formFields(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of params) {
    const had = out[k];
    out[k] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
  }
  return out;
}

const compiled = boundedMemo(1024, normalizePath);

/** The value a mapping selects, as an event type: a string or number, else undefined. */
export function mappedEventType(mapping: string, ctx: MappingContext): string | undefined {
  const [first] = query(ctx as unknown as JsonValue, compiled(mapping));
  if (typeof first === 'string' && first.length > 0) return first.slice(0, 255);
  if (typeof first === 'number' || typeof first === 'boolean') return String(first);
  return undefined;
}

/**
 * The event type: the mapping's value, else what the provider's scheme names (its event-type
 * header), else `inbound.<source>`.
 */
export function eventTypeOf(mapping: string | null, ctx: MappingContext, verdictType: string | undefined, source: string): string {
  const named = (mapping !== null ? mappedEventType(mapping, ctx) : undefined) ?? (verdictType || undefined);
  // A provider's value is text to store and to match subscriptions against: no control characters.
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  const clean = named?.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 255);
  return clean || `inbound.${source}`;
}

/**
 * The event's idempotency key: a provider's delivery id deduplicates its retries (the same key,
 * so no second event); without one each request is its own.
 */
export function idempotencyKeyOf(inboundEndpointId: string, deliveryId: string | undefined, requestId: string): string {
  return deliveryId ? `inbound:${inboundEndpointId}:${deliveryId.slice(0, 160)}` : `inbound:${inboundEndpointId}:req:${requestId}`;
}

/** What a verified request becomes: an event of the project, sent to the destinations or fanned out by type. */
export type InboundEventInput = {
  eventId: string; accountId: string; projectId: string; idempotencyKey: string; eventType: string;
  /** The payload as JSON text: the provider's own bytes when they are JSON and nothing changed them. */
  payload: string; headers: Record<string, string>; destinationIds: string[]; now: number; configOffset: number;
};

/**
 * The EventAccepted a verified request becomes (the documented defaults of POST /events: 5
 * attempts, priority 5, no delay). Named destinations go in `endpointIds`; none: by type.
 */
export function inboundEvent(i: InboundEventInput): EventAccepted {
  return {
    type: 'EventAccepted', eventId: i.eventId, accountId: i.accountId, projectId: i.projectId, idempotencyKey: i.idempotencyKey,
    destination: null, eventType: i.eventType, payload: i.payload, headers: i.headers,
    maxAttempts: DEFAULT_MAX_ATTEMPTS, priority: DEFAULT_PRIORITY, delaySeconds: 0, createdAt: i.now, maxAttemptsSet: false,
    configOffset: i.configOffset, endpointIds: i.destinationIds,
  };
}
