import type { EndpointCircuitChanged } from '../../endpoints/domain/messages.ts';
import type { EndpointState } from '../../endpoints/domain/evolve.ts';
import type { Breaker } from './breaker.ts';
import { backoffMs, classifyStatus, DEFAULT_RETRY, parseRetryAfter, type RetryPolicy } from './retry.ts';
import type { DeliveryAttempted, DeliveryRequested } from './messages.ts';

/** What one HTTP attempt came to (sender.ts makes it; a failure before the network is localFailure). */
export type SendResult = {
  statusCode: number | null; responseBody: string; retryAfter?: string;
  error: string; errorCategory: string | null; durationMs: number; timedOut: boolean;
  /** The HTTP exchange in microseconds (for processingOverheadUs: our time around it). */
  durationUs?: number;
};

/** When an attempt happened and what its outcome is decided with (the clock, the id and the jitter come in). */
export type AttemptTiming = { attemptId: string; attemptedAt: number; overheadUs: number; rand: number; retry?: RetryPolicy };

/** An endpoint's retry schedule (the global default for direct events). */
export function policyOf(ep: EndpointState | undefined, fallback: RetryPolicy = DEFAULT_RETRY): RetryPolicy {
  if (!ep) return fallback;
  const c = ep.config;
  return { initialMs: c.retryBackoffMs, multiplier: c.retryBackoffMult, maxMs: c.retryBackoffMax, jitter: fallback.jitter };
}

/** Error categories that no retry can fix. */
const PERMANENT_CATEGORIES = new Set(['blocked', 'endpoint_deleted']);

/**
 * The outcome of one attempt: success, a retry at `nextAttemptAt` (honouring a clamped
 * Retry-After on 429/503), or dead (attempts exhausted, or a permanent failure such as 410).
 */
export function outcomeOf(
  r: DeliveryRequested, ep: EndpointState | undefined, res: SendResult,
  timing: AttemptTiming,
): DeliveryAttempted {
  const verdict = res.statusCode === null
    ? (res.errorCategory && PERMANENT_CATEGORIES.has(res.errorCategory) ? 'permanent' : 'retryable')
    : classifyStatus(res.statusCode);
  const exhausted = r.attempt >= r.maxAttempts || verdict === 'permanent';
  const disposition = verdict === 'success' ? 'delivered' : exhausted ? 'dead' : 'retry';
  const retryAfterMs = verdict === 'rate-limited' ? parseRetryAfter(res.retryAfter, timing.attemptedAt) : undefined;
  return {
    type: 'DeliveryAttempted', attemptId: timing.attemptId, dispatchId: r.dispatchId, eventId: r.eventId,
    accountId: r.accountId, projectId: r.projectId, endpointId: r.endpointId, eventType: r.eventType, url: r.url,
    attemptNumber: r.attempt, maxAttempts: r.maxAttempts,
    outcome: verdict === 'success' ? 'success' : res.timedOut ? 'timeout' : 'failure',
    disposition, statusCode: res.statusCode, responseBody: res.responseBody, error: res.error,
    errorCategory: res.errorCategory, durationMs: res.durationMs, processingOverheadUs: timing.overheadUs,
    attemptedAt: timing.attemptedAt,
    nextAttemptAt: disposition === 'retry'
      ? timing.attemptedAt + backoffMs(policyOf(ep, timing.retry), r.attempt + 1, timing.rand, retryAfterMs)
      : null,
    eventCreatedAt: r.createdAt,
  };
}

/** A failure that never reached the network (deleted endpoint, failed transformation). */
export function localFailure(error: string, errorCategory: string): SendResult {
  return { statusCode: null, responseBody: '', error, errorCategory, durationMs: 0, timedOut: false };
}

/**
 * An attempt that ended before the network: a failed transformation (retried like any failure)
 * or a cancel, which is the endpoint owner's decision, not a failure: the destination is done,
 * nothing was sent.
 */
export function localOutcome(r: DeliveryRequested, ep: EndpointState, error: string, category: 'transform' | 'cancelled', timing: AttemptTiming): DeliveryAttempted {
  const outcome = outcomeOf(r, ep, localFailure(error, category), timing);
  return category === 'cancelled' ? { ...outcome, outcome: 'success', disposition: 'delivered', nextAttemptAt: null } : outcome;
}

/**
 * The circuit event an attempt's result records, when the endpoint's circuit (as the API shows
 * it) changed: opened, closed after a probe, or closed here while the shared state still says
 * another engine's circuit is open.
 */
export function circuitChange(ep: EndpointState, before: Breaker, after: Breaker, ok: boolean, at: number): EndpointCircuitChanged | null {
  const shown = before.state === 'half_open' && after.state === 'closed' ? 'closed' : after.state;
  if (shown === before.state && !(before.state === 'closed' && ep.circuit.state !== 'closed' && ok)) return null;
  return {
    type: 'EndpointCircuitChanged', endpointId: ep.endpointId, accountId: ep.accountId, projectId: ep.projectId,
    version: ep.version, state: shown, consecutiveFailures: after.failures, openUntil: after.openUntil, at,
  };
}
