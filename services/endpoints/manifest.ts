import { defineCapability } from '../platform/capability.ts';
import { configTopic } from '../platform/kafka/topics.ts';
import { ENDPOINT_EVENT_TYPES, type EndpointEvent } from './domain/messages.ts';
import type { EndpointsState } from './state.ts';

/** Endpoints: an event-sourced aggregate; every change is a version on the endpoints topic. */
export const endpoints = defineCapability<EndpointEvent, { endpoints: string }, { endpoints: EndpointsState }>({
  name: 'endpoints',
  messageTypes: ENDPOINT_EVENT_TYPES,
  topicNames: (prefix) => ({ endpoints: `${prefix}endpoints` }),
  topicSpecs: (t) => [configTopic(t.endpoints)],
  state: async (t) => ({ endpoints: new (await import('./state.ts')).EndpointsState(t.endpoints) }),
  apiTags: [{ name: 'Endpoints', description: 'Where events are delivered, and how; every change a version' }],
  routes: async () => [(await import('./routes.ts')).endpointRoutes, (await import('./trial-routes.ts')).endpointTrialRoutes],
  projections: async () => [(await import('../../projections/endpoints/projector.ts')).endpointsProjection],
});
