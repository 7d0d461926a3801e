import { Type, type TSchema } from 'typebox';
import { Nullable } from '../platform/http/contract.ts';
import { FAILURE_CATEGORIES } from './domain/tally.ts';

/** The analytics room's HTTP contract: what its routes accept and answer. */

const Time = (description: string) => Type.String({ format: 'date-time', description });
const Count = (description: string) => Type.Integer({ minimum: 0, description });
const Ms = (description: string) => Nullable(Type.Number({ minimum: 0, description }));

export const AnalyticsQuery = Type.Object({
  endpointId: Type.Optional(Type.String({ format: 'uuid', description: 'Only this endpoint of the project (another project\'s endpoint matches nothing); all endpoints and direct destinations when absent' })),
  from: Type.Optional(Time('Start of the range, RFC 3339 (default: 24 hours before `to`). Counts are kept per UTC hour: the range covers every hour it overlaps')),
  to: Type.Optional(Time('End of the range, RFC 3339 (default: now). At most 366 days after `from`, and not before it')),
});

const Span = {
  from: Time('Start of the range, as resolved (defaults applied)'),
  to: Time('End of the range, as resolved'),
};
const Granularity = Type.Union([Type.Literal('hour'), Type.Literal('day')], { description: 'hour for a range of at most 7 days, day (UTC) beyond' });
const Start = Time('Start of the bucket (UTC). Every bucket of the range is listed, in order, with zeros where nothing happened');
const bucketed = <T extends Record<string, TSchema>>(fields: T, description: string) => Type.Object({
  ...Span, granularity: Granularity, buckets: Type.Array(Type.Object({ start: Start, ...fields }), { description }),
});

export const Summary = Type.Object({
  ...Span,
  sent: Count('Events the project accepted in the range (by acceptance time); with endpointId, deliveries to that endpoint whose first attempt was in the range'),
  delivered: Count('Deliveries (one event to one endpoint or direct destination) that ended delivered in the range: each delivery once, at its successful attempt'),
  failed: Count('Failed attempts in the range (an HTTP error status, a network error or timeout, a failed transformation): a delivery retried three times counts three'),
  deadLettered: Count('Deliveries that ended dead in the range (attempts exhausted, or a permanent failure such as 410): each delivery once, at its last attempt'),
  successRate: Nullable(Type.Number({ minimum: 0, maximum: 1, description: 'delivered / (delivered + deadLettered): the share of deliveries that ended in the range which succeeded; null when none ended' })),
});

export const Outcomes = bucketed({
  delivered: Count('Attempts that succeeded (their delivery ended delivered)'),
  retried: Count('Attempts that failed with a retry scheduled'),
  dead: Count('Attempts that failed and ended their delivery dead'),
  cancelled: Count('Deliveries the endpoint\'s transformation cancelled (nothing was sent)'),
}, 'Attempts by how they ended for their delivery, per bucket: retried + dead is the summary\'s failed');

export const Throughput = bucketed({
  events: Count('Events sent in the bucket, as the summary counts sent'),
  eventsPerSec: Type.Number({ minimum: 0, description: 'events / the seconds of the bucket that the range covers (whole hours)' }),
}, 'Events sent per bucket');

export const Latency = bucketed({
  count: Count('Attempts measured: those answered with an HTTP status or failed on the network (timeouts at the time they gave up); not poll acks, failed transformations, cancels or blocked addresses'),
  p50: Ms('Median attempt duration in milliseconds, within 1 % of the exact value (a DDSketch); null with no attempt'),
  p95: Ms('95th percentile in milliseconds, within 1 %'),
  p99: Ms('99th percentile in milliseconds, within 1 %'),
}, 'Attempt latency per bucket, from mergeable sketches kept per endpoint and hour');

const categoryCounts = Object.fromEntries(FAILURE_CATEGORIES.map((c) => [c, Count(`Failed attempts: ${c}`)])) as Record<(typeof FAILURE_CATEGORIES)[number], ReturnType<typeof Count>>;
export const Failures = Type.Object({
  ...bucketed(categoryCounts, 'Failed attempts per bucket, by category').properties,
  totals: Type.Object(categoryCounts, {
    description: 'Failed attempts over the range by category: 4xx and 5xx by the answer\'s status; timeout, dns, tls, refused, reset and blocked (an address the policy refuses) by the network error; transform for a failed transformation; other for a 3xx (redirects are not followed), a deleted endpoint or an unclassified error. They add up to the summary\'s failed',
  }),
});

export const EndpointHealth = Type.Object({
  ...Span,
  data: Type.Array(Type.Object({
    endpointId: Type.String({ format: 'uuid' }),
    url: Type.String(),
    attempts: Count('Attempts at the endpoint in the range, failed or successful'),
    deliveryRate: Nullable(Type.Number({ minimum: 0, maximum: 1, description: 'The share of those attempts that succeeded; null with none' })),
    p95LatencyMs: Ms('95th percentile of the attempts\' latency in the range, within 1 %; null with none measured'),
    circuitState: Type.Union([Type.Literal('closed'), Type.Literal('open'), Type.Literal('half_open')], { description: 'The circuit breaker now' }),
    lastSuccessAt: Nullable(Time('The latest successful attempt ever (not limited to the range), to the millisecond')),
    lastFailureAt: Nullable(Time('The latest failed attempt ever (not limited to the range)')),
  }), { description: 'Every endpoint of the project (not deleted), oldest first; with endpointId, that one' }),
});
