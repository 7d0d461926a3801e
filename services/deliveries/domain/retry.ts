/** The retry schedule is data (STYLE 8): initial, multiplier, cap, jitter. */
export type RetryPolicy = { initialMs: number; multiplier: number; maxMs: number; jitter: number };

export const DEFAULT_RETRY: RetryPolicy = { initialMs: 1_000, multiplier: 2, maxMs: 86_400_000, jitter: 0.2 };
/** A receiver's Retry-After is honoured, clamped to this window. */
export const RETRY_AFTER_MAX_MS = 3_600_000;

export type FailureClass = 'retryable' | 'rate-limited' | 'permanent';

/** Delay before attempt `nextAttempt` (2 = first retry). `rand` in [0,1) comes from the caller. */
export function backoffMs(policy: RetryPolicy, nextAttempt: number, rand: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(Math.max(retryAfterMs, 0), RETRY_AFTER_MAX_MS);
  const base = Math.min(policy.initialMs * policy.multiplier ** Math.max(nextAttempt - 2, 0), policy.maxMs);
  const spread = base * policy.jitter * (2 * rand - 1);
  return Math.max(0, Math.round(Math.min(base + spread, policy.maxMs)));
}

/** 2xx succeeds; 429/503 are rate limits; 410 Gone is permanent; other 4xx/5xx and I/O errors retry. */
export function classifyStatus(status: number): 'success' | FailureClass {
  if (status >= 200 && status < 300) return 'success';
  if (status === 429 || status === 503) return 'rate-limited';
  if (status === 410) return 'permanent';
  return 'retryable';
}

/** Parses Retry-After (seconds or an HTTP date) into milliseconds from `nowMs`. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(at - nowMs, 0);
}
