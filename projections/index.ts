import type { Topics } from '../services/kafka/topics.ts';
import { accountsProjection } from './accounts/projector.ts';
import { endpointsProjection } from './endpoints/projector.ts';
import { eventTypesProjection } from './event-types/projector.ts';
import { eventsProjection } from './events/projector.ts';
import { pollProjection } from './poll/projector.ts';
import { setAsideProjection } from './set-aside/projector.ts';
import type { Projection } from './runner.ts';

/** Every read model mittr keeps, each rebuildable from the log. */
export function allProjections(topics: Topics): Projection[] {
  return [accountsProjection(topics), eventsProjection(topics), endpointsProjection(topics), eventTypesProjection(topics), pollProjection(topics), setAsideProjection(topics)];
}
