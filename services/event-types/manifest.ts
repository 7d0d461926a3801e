import { defineCapability } from '../platform/capability.ts';
import { configTopic } from '../platform/kafka/topics.ts';
import { EVENT_TYPE_EVENT_TYPES, type EventTypeEvent } from './domain/messages.ts';
import type { EventTypesState } from './state.ts';

/** Event types: names, descriptions and the JSON Schema payloads are checked against. */
export const eventTypes = defineCapability<EventTypeEvent, { eventTypes: string }, { eventTypes: EventTypesState }>({
  name: 'event-types',
  messageTypes: EVENT_TYPE_EVENT_TYPES,
  topicNames: (prefix) => ({ eventTypes: `${prefix}event-types` }),
  topicSpecs: (t) => [configTopic(t.eventTypes)],
  state: async (t) => ({ eventTypes: new (await import('./state.ts')).EventTypesState(t.eventTypes) }),
  apiTags: [{ name: 'Event types', description: 'Named types endpoints subscribe to, with optional payload schemas' }],
  routes: async () => [(await import('./routes.ts')).eventTypeRoutes],
  projections: async () => [(await import('../../projections/event-types/projector.ts')).eventTypesProjection],
});
