import type { DeliveryAttempted } from '../../deliveries/domain/messages.ts';
import type { EventAccepted } from '../../events/domain/messages.ts';
import { HOUR_MS } from './range.ts';

/**
 * The failure categories analytics reports (002: timeout / 4xx / 5xx / DNS / TLS / refused, and
 * the rest of what services/deliveries produces). `other` is a 3xx (redirects are not followed),
 * an endpoint deleted while a delivery waited, or an I/O error the sender could not classify.
 */
export const FAILURE_CATEGORIES = ['timeout', '4xx', '5xx', 'dns', 'tls', 'refused', 'reset', 'blocked', 'transform', 'other'] as const;
export type FailureCategory = (typeof FAILURE_CATEGORIES)[number];

/** How an attempt ended for its delivery: delivered, a retry scheduled, dead, or cancelled by the endpoint's transformation. */
export type AttemptEnd = 'delivered' | 'retried' | 'dead' | 'cancelled';

/** Categories the network never saw: their durations are not a receiver's latency. */
const NOT_SENT = new Set(['transform', 'cancelled', 'endpoint_deleted', 'blocked']);
const NAMED = new Set<string>(FAILURE_CATEGORIES);

/**
 * What one record adds to its hour of the analytics read model. `endpoint` is the endpoint id, or
 * '' for an accepted event and a direct destination's attempt. Counts are 0 or 1.
 */
export type Tally = {
  /** The record's own id (event id, attempt id). */
  id: string; hour: number; accountId: string; projectId: string; endpoint: string;
  accepted: 0 | 1;
  /** A delivery's first attempt: an event sent to the endpoint. */
  dispatched: 0 | 1;
  end: AttemptEnd | null;
  failure: FailureCategory | null;
  /** The HTTP exchange's duration, when the attempt went to the network. */
  latencyMs: number | null;
  at: number;
};

/** The category of a failed attempt: by HTTP status when there was an answer, else by the sender's error category. */
export function failureCategory(statusCode: number | null, errorCategory: string | null): FailureCategory {
  if (statusCode !== null && statusCode >= 500) return '5xx';
  if (statusCode !== null && statusCode >= 400) return '4xx';
  if (statusCode === null && errorCategory !== null && NAMED.has(errorCategory)) return errorCategory as FailureCategory;
  return 'other';
}

/**
 * Whether an attempt's duration is a receiver's latency: it was answered, or failed on the
 * network (a timeout counts, at the time it gave up). Not a poll consumer's ack (no HTTP
 * exchange: its duration is how long the consumer held the message), and not a failed
 * transformation, a cancel, a deleted endpoint or a blocked address (nothing was sent).
 */
export function isNetworkAttempt(e: Pick<DeliveryAttempted, 'statusCode' | 'errorCategory'>): boolean {
  if (e.statusCode !== null) return true;
  return e.errorCategory !== null && !NOT_SENT.has(e.errorCategory);
}

const endOf = (e: DeliveryAttempted): AttemptEnd =>
  (e.errorCategory === 'cancelled' ? 'cancelled' : e.disposition === 'retry' ? 'retried' : e.disposition);

/** What a record counts for, in the UTC hour it happened: an event's acceptance, an attempt's end. Pure. */
export function tallyOf(e: EventAccepted | DeliveryAttempted): Tally {
  if (e.type === 'EventAccepted') {
    return {
      id: e.eventId, hour: Math.floor(e.createdAt / HOUR_MS) * HOUR_MS, accountId: e.accountId, projectId: e.projectId, endpoint: '',
      accepted: 1, dispatched: 0, end: null, failure: null, latencyMs: null, at: e.createdAt,
    };
  }
  const end = endOf(e);
  return {
    id: e.attemptId, hour: Math.floor(e.attemptedAt / HOUR_MS) * HOUR_MS, accountId: e.accountId, projectId: e.projectId,
    endpoint: e.endpointId ?? '', accepted: 0, dispatched: e.attemptNumber === 1 ? 1 : 0, end,
    failure: e.outcome === 'success' ? null : failureCategory(e.statusCode, e.errorCategory),
    latencyMs: isNetworkAttempt(e) ? Math.max(0, e.durationMs) : null, at: e.attemptedAt,
  };
}
