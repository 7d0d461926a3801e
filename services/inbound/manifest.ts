import { defineCapability } from '../platform/capability.ts';
import { configTopic, logTopic } from '../platform/kafka/topics.ts';
import { INBOUND_MESSAGE_TYPES, type InboundMessage } from './domain/messages.ts';
import type { InboundEndpointsState } from './state.ts';

/**
 * Inbound webhooks: endpoints that receive from providers (Stripe, GitHub, ...) at
 * /inbound/{pathSuffix}, verify each request with the provider's scheme, record it, and turn it
 * into an event of the normal pipeline.
 */
export const inbound = defineCapability<InboundMessage, { inboundEndpoints: string; inboundRequests: string }, { inboundEndpoints: InboundEndpointsState }>({
  name: 'inbound',
  messageTypes: INBOUND_MESSAGE_TYPES,
  topicNames: (prefix) => ({ inboundEndpoints: `${prefix}inbound-endpoints`, inboundRequests: `${prefix}inbound-requests` }),
  topicSpecs: (t, partitions) => [configTopic(t.inboundEndpoints), logTopic(t.inboundRequests, partitions)],
  state: async (t) => ({ inboundEndpoints: new (await import('./state.ts')).InboundEndpointsState(t.inboundEndpoints) }),
  apiTags: [
    { name: 'Inbound endpoints', description: 'Receive webhooks from providers, verify their signatures and route them into the pipeline' },
    { name: 'Inbound receiver', description: 'The public URL providers post to' },
  ],
  routes: async () => [(await import('./routes.ts')).inboundRoutes],
  publicRoutes: async () => [(await import('./receiver.ts')).receiverRoutes],
  projections: async () => [
    (await import('../../projections/inbound-endpoints/projector.ts')).inboundEndpointsProjection,
    (await import('../../projections/inbound-requests/projector.ts')).inboundRequestsProjection,
  ],
});
