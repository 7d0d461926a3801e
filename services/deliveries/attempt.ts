import { randomUUID } from 'node:crypto';
import type { EndpointState } from '../endpoints/domain/evolve.ts';
import { backoffMs, classifyStatus, DEFAULT_RETRY, parseRetryAfter, type RetryPolicy } from './domain/retry.ts';
import type { DeliveryAttempted, DeliveryRequested } from './domain/messages.ts';
import type { SendResult } from './sender.ts';

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
  timing: { attemptedAt: number; overheadUs: number; rand: number; retry?: RetryPolicy },
): DeliveryAttempted {
  const verdict = res.statusCode === null
    ? (res.errorCategory && PERMANENT_CATEGORIES.has(res.errorCategory) ? 'permanent' : 'retryable')
    : classifyStatus(res.statusCode);
  const exhausted = r.attempt >= r.maxAttempts || verdict === 'permanent';
  const disposition = verdict === 'success' ? 'delivered' : exhausted ? 'dead' : 'retry';
  const retryAfterMs = verdict === 'rate-limited' ? parseRetryAfter(res.retryAfter, timing.attemptedAt) : undefined;
  return {
    type: 'DeliveryAttempted', attemptId: randomUUID(), dispatchId: r.dispatchId, eventId: r.eventId,
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
