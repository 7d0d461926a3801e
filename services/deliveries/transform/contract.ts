import { headerProblems } from '../domain/delivery-headers.ts';

/**
 * The transformation contract, shared by the pool (main thread) and the sandbox (worker).
 *
 * An endpoint's `transformation` is a JavaScript *script* (not a module, not an expression) that
 * defines a function named `transform`, in any form a script can define one:
 *
 * ```js
 * function transform(webhook) {
 *   webhook.payload.total = webhook.payload.cents / 100;
 *   webhook.headers['X-Shop'] = 'acme';
 *   return webhook;
 * }
 * // or: const transform = (webhook) => ({ ...webhook, url: 'https://example.com/other' });
 * ```
 *
 * `webhook` is `{ eventType: string | null, payload: <JSON value>, headers: {name: value},
 * url: string }`. The function may change it in place and return it, or return a new object of
 * the same shape (all four fields; `payload` may be `null`). Returning `null` or `undefined`, or
 * setting `webhook.cancel = true`, cancels the delivery. The result must be synchronous: a
 * returned Promise is an error, and pending promise callbacks never run. There is no `require`,
 * `import`, `process`, network, file system, timer or typed array; `console.*` exists and does
 * nothing. Each call runs in a fresh interpreter, so nothing survives from one call to the next.
 *
 * Limits (TransformPool options): `timeoutMs` of CPU time (default 100 ms), `memoryBytes` of
 * heap (default 16 MiB; the webhook's JSON may be at most a quarter of it), a 512 KiB
 * interpreter stack. Breaking one is an error result, never a hung or crashed delivery engine.
 */
export type TransformInput = {
  eventType: string | null;
  payload: unknown;
  headers: Record<string, string>;
  url: string;
};

export type TransformResult =
  | { kind: 'ok'; eventType: string | null; payload: unknown; headers: Record<string, string>; url: string }
  | { kind: 'cancel' }
  | { kind: 'error'; error: string };

/** Limits applied to every call; the pool passes them to each worker. */
export type SandboxLimits = { timeoutMs: number; memoryBytes: number };

// User code controls error messages; keep what we store and log bounded.
const MAX_ERROR_CHARS = 1_000;

export function failure(error: string): TransformResult {
  return { kind: 'error', error: error.length > MAX_ERROR_CHARS ? `${error.slice(0, MAX_ERROR_CHARS)}...` : error };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The same rule as for events' and endpoints' headers: a transformation cannot forge mittr's either. */
function headersProblem(headers: unknown): string | null {
  return headerProblems(headers, 'headers')[0] ?? null;
}

function urlProblem(url: unknown): string | null {
  if (typeof url !== 'string') return 'url must be a string';
  let parsed: URL;
  try { parsed = new URL(url); } catch { return `url ${JSON.stringify(url)} is not a valid URL`; }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? null : `url must be http or https, got ${parsed.protocol}`;
}

/**
 * Validates what the sandbox produced: `json` is `JSON.stringify({eventType, payload, headers,
 * url})` of the object the user returned, so the payload is JSON-serializable by construction,
 * and a field the user left `undefined` is simply absent.
 */
export function parseOutput(json: string): TransformResult {
  let value: unknown;
  try { value = JSON.parse(json); } catch { return failure('transform returned a value that is not valid JSON'); }
  if (!isRecord(value)) return failure('transform must return the webhook object, or null to cancel');
  const { eventType, payload, headers, url } = value;
  if (eventType !== null && typeof eventType !== 'string') return failure('eventType must be a string or null');
  if (payload === undefined) return failure('payload must be a JSON value (use null for an empty body)');
  const problem = headersProblem(headers) ?? urlProblem(url);
  if (problem !== null) return failure(problem);
  return { kind: 'ok', eventType, payload, headers: headers as Record<string, string>, url: url as string };
}
