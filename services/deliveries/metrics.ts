import { Counter, Histogram, type Registry } from 'prom-client';
import { boundChildren } from '../platform/metrics/registry.ts';
import type { DeliveryAttempted } from './domain/messages.ts';

/** Records one attempt the engine made, as its outcome event says. */
export type AttemptRecorder = (a: Pick<DeliveryAttempted, 'outcome' | 'disposition' | 'errorCategory' | 'durationMs'>) => void;

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Attempts that ended before the network: no exchange to time. */
const LOCAL = new Set(['endpoint_deleted', 'transform', 'cancelled']);

/**
 * The engine's metrics: every attempt by outcome (success, failure, timeout), disposition
 * (delivered, retry, dead) and error category (none, 5xx, 4xx, 3xx, timeout, dns, refused, tls,
 * reset, blocked, transform, cancelled, endpoint_deleted, other: a closed set), and the latency
 * of those that reached the network. Endpoint ids are not labels: a series per endpoint would
 * grow with the tenants.
 */
export function deliveryMetrics(registry: Registry): AttemptRecorder {
  const attempts = new Counter({
    name: 'mittr_delivery_attempts_total',
    help: 'Delivery attempts the engine made, by outcome, disposition and error category',
    labelNames: ['outcome', 'disposition', 'error_category'] as const,
    registers: [registry],
  });
  const seconds = new Histogram({
    name: 'mittr_delivery_attempt_duration_seconds',
    help: 'The HTTP exchange of a delivery attempt (connect to end of the response body), by outcome',
    labelNames: ['outcome'] as const,
    buckets: BUCKETS,
    registers: [registry],
  });
  const counted = boundChildren((outcome, disposition, category) => attempts.labels(outcome, disposition, category));
  const timed = boundChildren((outcome) => seconds.labels(outcome));
  return (a) => {
    counted(a.outcome, a.disposition, a.errorCategory ?? 'none').inc();
    if (a.errorCategory === null || !LOCAL.has(a.errorCategory)) timed(a.outcome).observe(a.durationMs / 1000);
  };
}
