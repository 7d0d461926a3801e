import { defineCapability } from '../platform/capability.ts';
import { logTopic, workTopic } from '../platform/kafka/topics.ts';
import { DELIVERY_MESSAGE_TYPES, type DeliveryMessage } from './domain/messages.ts';
import { DELAY_TIERS_MS, LANES, type Lane } from './lanes.ts';

type DeliveryTopics = { outcomes: string; lane: (lane: Lane) => string; delay: (ms: number) => string; rateLimits: string };

/** Deliveries: dispatch lanes, delay tiers, the engine that sends and retries, the attempts. */
export const deliveries = defineCapability<DeliveryMessage, DeliveryTopics, object, 'schedule' | 'deliver'>({
  name: 'deliveries',
  messageTypes: DELIVERY_MESSAGE_TYPES,
  topicNames: (prefix) => ({
    outcomes: `${prefix}outcomes`,
    lane: (lane: Lane) => `${prefix}dispatch.${lane}`,
    delay: (ms: number) => `${prefix}delay.${ms}ms`,
    rateLimits: `${prefix}rate-limits`,
  }),
  topicSpecs: (t, partitions) => [
    logTopic(t.outcomes, partitions),
    ...LANES.map((l) => workTopic(t.lane(l), partitions)),
    ...DELAY_TIERS_MS.map((ms) => workTopic(t.delay(ms), partitions)),
    // The engines' rate-limiter snapshots (rate-limit-snapshots.ts): compacted by engine, kept a minute.
    { name: t.rateLimits, partitions: 1, config: { 'cleanup.policy': 'compact,delete', 'retention.ms': '60000', 'segment.ms': '60000' } },
  ],
  apiTags: [{ name: 'Deliveries', description: 'Every delivery attempt, as a resource' }],
  routes: async () => [(await import('./routes.ts')).deliveryRoutes],
  roles: {
    schedule: { usesConfig: false, load: () => import('./scheduler-role.ts') },
    deliver: { usesConfig: true, load: () => import('./engine-role.ts') },
  },
});
