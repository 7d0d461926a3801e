import { defineCapability } from '../platform/capability.ts';
import { logTopic } from '../platform/kafka/topics.ts';
import { EVENT_MESSAGE_TYPES, type EventMessage } from './domain/messages.ts';

/** Events: accepted, routed to their destinations (the router role), replayed, edited. */
export const events = defineCapability<EventMessage, { events: string }, object, 'router'>({
  name: 'events',
  messageTypes: EVENT_MESSAGE_TYPES,
  topicNames: (prefix) => ({ events: `${prefix}events` }),
  topicSpecs: (t, partitions) => [logTopic(t.events, partitions)],
  apiTags: [{ name: 'Events', description: 'Send, list, edit and replay events' }],
  routes: async () => [(await import('./routes.ts')).eventRoutes],
  projections: async () => [(await import('../../projections/events/projector.ts')).eventsProjection],
  roles: { router: { usesConfig: true, load: () => import('./router-role.ts') } },
});
