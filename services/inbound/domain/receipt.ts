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

/** A body as the event sees it: its data, and its text when that text is the JSON the data was parsed from. */
export type Body = { data: unknown; jsonText: string | null };

/**
 * The event's data from the raw body. A JSON body (whatever its Content-Type says, unless it is a
 * form) is its parsed value; a form post (`application/x-www-form-urlencoded`, what Twilio and
 * Slack commands send) is an object of its fields, a repeated field an array; any other body is
 * `{contentType, encoding: 'base64', body}`, so nothing is lost.
 */
export function bodyData(contentType: string | undefined, raw: Buffer): Body {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (raw.length === 0) return { data: {}, jsonText: null };
  if (type === FORM) return { data: formFields(new URLSearchParams(raw.toString('utf8'))), jsonText: null };
  const text = raw.toString('utf8');
  try {
    const data: unknown = JSON.parse(text);
    // Only text that is the body byte for byte (valid UTF-8) may stand for it.
    return { data, jsonText: Buffer.byteLength(text) === raw.length && Buffer.from(text, 'utf8').equals(raw) ? text : null };
  } catch {
    return { data: { contentType: type || null, encoding: 'base64', body: raw.toString('base64') }, jsonText: null };
  }
}

/**
 * The event's payload text: the provider's own JSON text while nothing changed the data (so the
 * destination gets the provider's bytes), else the data as JSON.
 */
export function payloadText(body: Body, data: unknown, changed: boolean): string {
  return !changed && body.jsonText !== null ? body.jsonText : JSON.stringify(data ?? null);
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
