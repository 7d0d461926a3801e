import { describe, expect, it } from 'vitest';
import type { DeliveryAttempted } from '../../deliveries/domain/messages.ts';
import type { EventAccepted } from '../../events/domain/messages.ts';
import { failureCategory, isNetworkAttempt, tallyOf } from './tally.ts';

const T = Date.parse('2026-05-25T10:17:42.123Z');
const HOUR = Date.parse('2026-05-25T10:00:00Z');
const attempt = (over: Partial<DeliveryAttempted>): DeliveryAttempted => ({
  type: 'DeliveryAttempted', attemptId: 'att', dispatchId: 'd', eventId: 'e', accountId: 'a', projectId: 'p', endpointId: 'ep',
  eventType: 'order.created', url: 'https://example.com/h', attemptNumber: 1, maxAttempts: 3, outcome: 'success', disposition: 'delivered',
  statusCode: 200, responseBody: '', error: '', errorCategory: null, durationMs: 42, processingOverheadUs: 0, attemptedAt: T,
  nextAttemptAt: null, eventCreatedAt: T - 5, ...over,
});

describe('failureCategory', () => {
  it('given an answer, when classifying, then by its status: 4xx (429 and 410 too), 5xx, and other for a 3xx', () => {
    expect(failureCategory(404, '4xx')).toBe('4xx');
    expect(failureCategory(429, '4xx')).toBe('4xx');
    expect(failureCategory(410, '4xx')).toBe('4xx');
    expect(failureCategory(503, '5xx')).toBe('5xx');
    expect(failureCategory(302, '3xx')).toBe('other');
  });
  it('given no answer, when classifying, then by the sender\'s category; unknown ones, a deleted endpoint or none are other', () => {
    for (const c of ['timeout', 'dns', 'tls', 'refused', 'reset', 'blocked', 'transform', 'other'] as const) expect(failureCategory(null, c)).toBe(c);
    expect(failureCategory(null, 'endpoint_deleted')).toBe('other');
    expect(failureCategory(null, 'something-new')).toBe('other');
    expect(failureCategory(null, null)).toBe('other');
  });
});

describe('isNetworkAttempt', () => {
  it('given an answer or a network failure, when measuring latency, then it counts', () => {
    expect(isNetworkAttempt({ statusCode: 500, errorCategory: '5xx' })).toBe(true);
    for (const c of ['timeout', 'dns', 'tls', 'refused', 'reset', 'other']) expect(isNetworkAttempt({ statusCode: null, errorCategory: c })).toBe(true);
  });
  it('given nothing sent (a poll ack, a failed transformation, a cancel, a deleted endpoint, a blocked address), then it does not', () => {
    expect(isNetworkAttempt({ statusCode: null, errorCategory: null })).toBe(false);
    for (const c of ['transform', 'cancelled', 'endpoint_deleted', 'blocked']) expect(isNetworkAttempt({ statusCode: null, errorCategory: c })).toBe(false);
  });
});

describe('tallyOf', () => {
  it('given an accepted event, when tallying, then one accepted in its hour, on no endpoint', () => {
    const e: EventAccepted = {
      type: 'EventAccepted', eventId: 'e1', accountId: 'a', projectId: 'p', idempotencyKey: 'k', destination: null, eventType: 'x',
      payload: '{}', headers: {}, maxAttempts: 3, priority: 5, delaySeconds: 0, createdAt: T, maxAttemptsSet: false, configOffset: 0,
    };
    expect(tallyOf(e)).toEqual({ id: 'e1', hour: HOUR, accountId: 'a', projectId: 'p', endpoint: '', accepted: 1, dispatched: 0, end: null, failure: null, latencyMs: null, at: T });
  });
  it('given a first attempt delivered, when tallying, then dispatched and delivered, with its latency', () => {
    expect(tallyOf(attempt({}))).toMatchObject({ id: 'att', hour: HOUR, endpoint: 'ep', accepted: 0, dispatched: 1, end: 'delivered', failure: null, latencyMs: 42, at: T });
  });
  it('given a retry of a 500, when tallying, then retried and a 5xx failure, not dispatched again', () => {
    expect(tallyOf(attempt({ attemptNumber: 2, outcome: 'failure', disposition: 'retry', statusCode: 500, errorCategory: '5xx' })))
      .toMatchObject({ dispatched: 0, end: 'retried', failure: '5xx', latencyMs: 42 });
  });
  it('given a direct destination that timed out for the last time, when tallying, then dead, a timeout, on endpoint \'\'', () => {
    expect(tallyOf(attempt({ endpointId: null, outcome: 'timeout', disposition: 'dead', statusCode: null, errorCategory: 'timeout', durationMs: 30_000 })))
      .toMatchObject({ endpoint: '', end: 'dead', failure: 'timeout', latencyMs: 30_000 });
  });
  it('given a cancel by the transformation, when tallying, then cancelled: neither delivered nor a failure, no latency', () => {
    expect(tallyOf(attempt({ statusCode: null, errorCategory: 'cancelled', durationMs: 0 }))).toMatchObject({ end: 'cancelled', failure: null, latencyMs: null });
  });
  it('given a failed transformation, when tallying, then a transform failure with no latency', () => {
    expect(tallyOf(attempt({ outcome: 'failure', disposition: 'retry', statusCode: null, errorCategory: 'transform', durationMs: 0 })))
      .toMatchObject({ end: 'retried', failure: 'transform', latencyMs: null });
  });
  it('given a poll consumer\'s ack, when tallying, then delivered with no latency (it held the message, nothing was sent)', () => {
    expect(tallyOf(attempt({ statusCode: null, errorCategory: null, durationMs: 12_000 }))).toMatchObject({ end: 'delivered', failure: null, latencyMs: null });
  });
});
