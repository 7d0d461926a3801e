import type { EventTypeEvent } from '../../services/event-types/domain/messages.ts';
import { evolve, type EventTypeState } from '../../services/event-types/domain/evolve.ts';
import type { DomainEvent } from '../../services/capabilities.ts';
import type { Projection } from '../../services/platform/projection/runner.ts';
import { foldInto, type StateTable } from '../shared/state-table.ts';

const EVENT_TYPES_TABLE: StateTable<EventTypeState> = { table: 'event_types', idOf: (s) => s.eventTypeId, nameOf: (s) => s.definition.name };

/** event_types: each event type's current state, folded by the domain's evolve. */
export function eventTypesProjection(topics: { eventTypes: string }): Projection {
  return {
    name: 'event-types',
    topics: [topics.eventTypes],
    tables: ['event_types'],
    async apply(tx, events) {
      for (const e of events.filter((x: DomainEvent): x is EventTypeEvent => x.type.startsWith('EventType'))) await foldInto(tx, EVENT_TYPES_TABLE, e.eventTypeId, e, evolve);
    },
  };
}
