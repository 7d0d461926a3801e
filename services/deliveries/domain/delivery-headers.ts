/**
 * The one rule for headers a tenant adds to a delivery: an event's `headers` (single, batch, edit),
 * an endpoint's `customHeaders` and what a transformation returns. mittr's own headers (signature,
 * ids, content type, user agent) and the ones that frame the HTTP message cannot be set or
 * forged; names must be HTTP tokens; values cannot split the header block.
 */
const RESERVED = /^(?:x-mittr-.*|webhook-(?:id|timestamp|signature)|content-(?:type|length|encoding)|transfer-encoding|host|user-agent|expect|connection|keep-alive|upgrade|te|trailer|proxy-.*)$/i;
/** RFC 9110 field-name token. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** RFC 9110 field value: visible ASCII, space, tab and obs-text; no CR, LF, NUL or other controls. */
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

export const HEADER_LIMITS = { count: 50, nameLength: 256, valueLength: 4_096 };

/** What is wrong with one header, or null. */
function problemOf(name: string, value: unknown): string | null {
  if (name.length === 0 || name.length > HEADER_LIMITS.nameLength || !TOKEN.test(name)) return `${JSON.stringify(name.slice(0, 300))} is not an HTTP header name`;
  if (RESERVED.test(name)) return `${name} is set by mittr (signature, ids, content type, user agent and message framing cannot be set)`;
  if (typeof value !== 'string') return `${name} must have a string value`;
  if (value.length > HEADER_LIMITS.valueLength) return `${name} is longer than ${HEADER_LIMITS.valueLength} characters`;
  if (!FIELD_VALUE.test(value)) return `${name} has a character a header value cannot hold (CR, LF or another control character, or one beyond U+00FF)`;
  return null;
}

/** The problems of a tenant's headers, each prefixed by `field` (e.g. `headers`, `events[2].headers`). */
export function headerProblems(headers: unknown, field: string): string[] {
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) return [`${field} must be an object of header name to string value`];
  const entries = Object.entries(headers);
  if (entries.length > HEADER_LIMITS.count) return [`${field} holds at most ${HEADER_LIMITS.count} headers`];
  const problems: string[] = [];
  for (const [name, value] of entries) {
    const problem = problemOf(name, value);
    if (problem !== null) problems.push(`${field}: ${problem}`);
    if (problems.length >= 10) break;
  }
  return problems;
}

/**
 * The headers that may go on the wire, for records accepted before this rule: anything it refuses
 * is dropped rather than forged into a delivery or failing every attempt.
 */
export function sendableHeaders(headers: Record<string, string>): Record<string, string> {
  const entries = Object.entries(headers);
  const sendable = (e: [string, string]) => problemOf(e[0], e[1]) === null;
  return entries.every(sendable) ? headers : Object.fromEntries(entries.filter(sendable));
}

/**
 * A delivery's tenant headers, before any transformation: the endpoint's custom headers, under
 * the event's, under a sealed target's, with whatever cannot be sent dropped. The engine sends
 * them, and a trial (services/endpoints/domain/trial.ts) shows them, by this one rule.
 */
export function tenantHeaders(custom: Record<string, string> | undefined, event: Record<string, string>, sealed?: Record<string, string>): Record<string, string> {
  return sendableHeaders({ ...custom, ...event, ...sealed });
}
