import { defineCapability } from '../platform/capability.ts';
import type { RecordSetAside } from '../platform/kafka/set-aside.ts';
import { logTopic } from '../platform/kafka/topics.ts';

/** Records a stream processor could not apply, kept where operators see them (projections/set-aside). */
export const setAside = defineCapability<RecordSetAside, { setAside: string }>({
  name: 'set-aside',
  messageTypes: ['RecordSetAside'],
  topicNames: (prefix) => ({ setAside: `${prefix}set-aside` }),
  topicSpecs: (t) => [logTopic(t.setAside, 1)],
  projections: async () => [(await import('../../projections/set-aside/projector.ts')).setAsideProjection],
});
