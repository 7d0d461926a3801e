import { defineCapability } from '../platform/capability.ts';
import { POLL_MESSAGE_TYPES, type PollMessage } from './domain/messages.ts';

/** Poll-mode endpoints: the engine queues their dispatches on the outcomes topic; GET /poll fetches them. */
export const poll = defineCapability<PollMessage>({
  name: 'poll',
  messageTypes: POLL_MESSAGE_TYPES,
  routes: async () => [(await import('./routes.ts')).pollRoutes],
  projections: async () => [(await import('../../projections/poll/projector.ts')).pollProjection],
});
