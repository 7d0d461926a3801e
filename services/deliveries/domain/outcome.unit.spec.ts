import { describe, expect, it } from 'vitest';
import { decide } from '../../endpoints/domain/decide.ts';
import { evolve, type EndpointState } from '../../endpoints/domain/evolve.ts';
import { CLOSED, record } from './breaker.ts';
import type { DeliveryRequested } from './messages.ts';
import { circuitChange, localFailure, localOutcome, outcomeOf, type AttemptTiming, type SendResult } from './outcome.ts';

const T = 1_700_000_000_000;
const ep: EndpointState = decide(undefined, {
  type: 'Create', endpointId: 'ep1', accountId: 'a', projectId: 'p', signingSecretEnc: 'sealed',
  input: { url: 'https://api.example.com/hooks', eventTypes: ['order.*'], retryBackoffMs: 1_000, retryBackoffMult: 2, maxRetries: 3 },
}, T).reduce<EndpointState | undefined>(evolve, undefined)!;
const request = (attempt: number, maxAttempts = 4): DeliveryRequested => ({
  type: 'DeliveryRequested', dispatchId: 'd1', eventId: 'e1', accountId: 'a', projectId: 'p', endpointId: 'ep1',
  eventType: 'order.created', url: 'https://api.example.com/hooks', payload: '{}', headers: {}, attempt, maxAttempts,
  priority: 0, dueAt: T, createdAt: T - 50, fifo: false,
});
const timing: AttemptTiming = { attemptId: 'att1', attemptedAt: T, overheadUs: 0, rand: 0.5 };
const http = (statusCode: number, retryAfter?: string): SendResult =>
  ({ statusCode, responseBody: '', retryAfter, error: '', errorCategory: null, durationMs: 12, timedOut: false });

describe('outcomeOf', () => {
  it('given a 2xx, when deciding, then delivered with nothing to retry', () => {
    const o = outcomeOf(request(1), ep, http(204), timing);
    expect(o).toMatchObject({ attemptId: 'att1', outcome: 'success', disposition: 'delivered', nextAttemptAt: null, statusCode: 204, eventCreatedAt: T - 50 });
  });
  it('given a 500 with attempts left, when deciding, then a retry on the endpoint backoff (jitter at its midpoint)', () => {
    const o = outcomeOf(request(1), ep, http(500), timing);
    expect(o).toMatchObject({ outcome: 'failure', disposition: 'retry' });
    expect(o.nextAttemptAt! - T).toBe(1_000);
    expect(outcomeOf(request(2), ep, http(500), timing).nextAttemptAt! - T).toBe(2_000);
  });
  it('given a 429 with Retry-After, when deciding, then the retry waits at least that long', () => {
    const o = outcomeOf(request(1), ep, http(429, '120'), timing);
    expect(o.disposition).toBe('retry');
    expect(o.nextAttemptAt! - T).toBeGreaterThanOrEqual(120_000);
  });
  it('given the last attempt fails, when deciding, then dead', () => {
    expect(outcomeOf(request(4, 4), ep, http(503), timing).disposition).toBe('dead');
  });
  it('given a 410 Gone, when deciding, then dead at once, whatever attempts are left', () => {
    expect(outcomeOf(request(1), ep, http(410), timing).disposition).toBe('dead');
  });
  it('given a timeout, when deciding, then a retry recorded as a timeout', () => {
    const res = { ...localFailure('timed out', 'timeout'), timedOut: true };
    expect(outcomeOf(request(1), ep, res, timing)).toMatchObject({ outcome: 'timeout', disposition: 'retry' });
  });
  it('given a blocked address or a deleted endpoint, when deciding, then dead: no retry can fix it', () => {
    expect(outcomeOf(request(1), ep, localFailure('blocked', 'blocked'), timing).disposition).toBe('dead');
    expect(outcomeOf(request(1), undefined, localFailure('gone', 'endpoint_deleted'), timing).disposition).toBe('dead');
  });
});

describe('localOutcome', () => {
  it('given a transformation that failed, when deciding, then it is retried like any failure', () => {
    expect(localOutcome(request(1), ep, 'transformation failed: x', 'transform', timing)).toMatchObject({ errorCategory: 'transform', disposition: 'retry' });
  });
  it('given a transformation that cancelled, when deciding, then the destination is done and nothing is retried', () => {
    expect(localOutcome(request(1), ep, 'cancelled', 'cancelled', timing)).toMatchObject({ outcome: 'success', disposition: 'delivered', nextAttemptAt: null });
  });
});

describe('circuitChange', () => {
  const settings = { threshold: 2, resetMs: 60_000 };
  it('given failures below the threshold, when recording, then no circuit event', () => {
    const after = record(CLOSED, settings, false, T);
    expect(circuitChange(ep, CLOSED, after, false, T)).toBeNull();
  });
  it('given the failure that reaches the threshold, when recording, then the circuit opens until the reset', () => {
    const one = record(CLOSED, settings, false, T);
    const two = record(one, settings, false, T);
    expect(circuitChange(ep, one, two, false, T)).toMatchObject({ type: 'EndpointCircuitChanged', state: 'open', openUntil: T + 60_000, consecutiveFailures: 2 });
  });
  it('given a probe that succeeds, when recording, then the circuit closes', () => {
    const probing = { state: 'half_open' as const, failures: 2, openUntil: T, probing: true };
    expect(circuitChange(ep, probing, record(probing, settings, true, T), true, T)).toMatchObject({ state: 'closed' });
  });
  it('given a success here while another engine shows the circuit open, when recording, then it is closed for all', () => {
    const shownOpen = { ...ep, circuit: { state: 'open' as const, openUntil: T - 1, changedAt: T - 60_000 } };
    expect(circuitChange(shownOpen, CLOSED, CLOSED, true, T)).toMatchObject({ state: 'closed' });
  });
});
