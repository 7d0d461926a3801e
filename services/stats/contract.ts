import { Type } from 'typebox';
import { Nullable } from '../platform/http/contract.ts';

/** The stats room's HTTP contract: what GET /stats answers (and the stats stream will push). */

const Count = (description: string) => Type.Integer({ minimum: 0, description });

const LAG = 'The whole deployment\'s lag, in records (offsets: a transaction\'s commit marker counts as one, so an idle partition written in transactions can show 1)';
const Lag = Type.Object({
  measuredAt: Type.String({ format: 'date-time', description: 'When the offsets were read (at most once a second, whoever asks)' }),
  consumerGroups: Type.Array(Type.Object({
    group: Type.String({ description: 'The consumer group, without the deployment\'s topic prefix: router, engine.high, projector.events, ...' }),
    lag: Count('End offset minus committed offset, summed over the partitions the group committed'),
  }), { description: 'Every consumer group of the deployment' }),
  projections: Type.Array(Type.Object({
    projector: Type.String({ description: 'A read model\'s projector: events, usage, audit, ...' }),
    lag: Count('Records between its checkpoint in Postgres and the end of its topics (a projector reading only a few record types moves its checkpoint over the others every few seconds)'),
  }), { description: 'Every projector' }),
}, { description: LAG });

export const Stats = Type.Object({
  projectId: Type.String({ description: 'The project counted (X-Project-ID, or the key\'s)' }),
  at: Type.String({ format: 'date-time', description: 'When the counts were read (the last minute ends here); at most a second old' }),
  events: Type.Object({
    total: Count('Events of the project'),
    queued: Count('Not routed yet, or nothing attempted yet'),
    delivering: Count('Some destinations done, others in progress'),
    delivered: Count('Every destination succeeded'),
    failed: Count('A retry is scheduled'),
    dead: Count('Done, at least one destination exhausted its attempts (the dead letter queue)'),
  }, { description: 'Events by status, as the events read model shows them' }),
  deliveries: Type.Object({
    notAttempted: Count('Routed, not attempted yet: waiting for the engine, held by a paused endpoint or an open circuit, or a poll message not acked'),
    retryScheduled: Count('The last attempt failed; a retry is scheduled'),
    dead: Count('Attempts exhausted, or a permanent failure'),
  }, { description: 'Destinations of the events\' current routings (an event not routed yet has none yet)' }),
  lastMinute: Type.Object({
    attempts: Count('Delivery attempts made in the last 60 seconds, as projected'),
    successes: Count('Of those, the ones that succeeded'),
  }),
  lag: Nullable({ ...Lag, description: `${LAG}; null when Kafka could not be asked` }),
});

const Ms = (description: string) => Type.Integer({ minimum: 0, description });

/** One endpoint's rate limit and how it is being spent now, over every engine. */
export const RateLimitRow = Type.Object({
  endpointId: Type.String({ format: 'uuid' }),
  url: Type.String({ description: 'Where the endpoint delivers' }),
  limit: Nullable(Type.Number({ exclusiveMinimum: 0, description: 'The endpoint\'s rate limit (rateLimitPerSec), in deliveries a second; null: no limit' })),
  sendRate: Type.Number({ minimum: 0, description: 'Deliveries a second sent to it now: every engine\'s sends over its last five seconds (at most the limit)' }),
  waiting: Count('Deliveries held back by the limit now, each in an engine waiting for its slot (deliveries not yet read from Kafka are not counted: GET /api/v1/stats shows those)'),
  longestWaitMs: Ms('How long the oldest of the waiting deliveries has waited so far; 0 when none waits'),
  expectedWaitMs: Ms('How long a delivery arriving now would wait for its slot (the waiting ones\' drain time); 0 when it would go at once'),
  engines: Count('Engine processes that sent or held a delivery of the endpoint in the last seconds (each takes limit / engines)'),
});

export const RateLimits = Type.Object({
  projectId: Type.String({ description: 'The project shown (X-Project-ID, or the key\'s)' }),
  at: Type.String({ format: 'date-time', description: 'When the engines\' snapshots were merged (each engine publishes one a second)' }),
  endpoints: Type.Array(RateLimitRow, { description: 'Every endpoint of the project, oldest first, with a limit or not' }),
});
