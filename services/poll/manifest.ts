import { defineCapability } from '../platform/capability.ts';
import { POLL_MESSAGE_TYPES, type PollMessage } from './domain/messages.ts';

/** Poll-mode endpoints: the engine queues their dispatches on the outcomes topic; GET /poll fetches them. */
export const poll = defineCapability<PollMessage>({
  name: 'poll',
  messageTypes: POLL_MESSAGE_TYPES,
  apiTags: [{ name: 'Poll', description: 'Delivery by polling, for receivers that cannot take a push' }],
  routes: async () => [(await import('./routes.ts')).pollRoutes],
  projections: async () => [(await import('../../projections/poll/projector.ts')).pollProjection],
});
