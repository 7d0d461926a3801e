import type { DatabasePool } from 'slonik';
import { definitionView } from '../../services/event-types/domain/definition.ts';
import type { EventTypeState } from '../../services/event-types/domain/evolve.ts';
import type { Scope } from '../events/queries.ts';
import { getById, getByName, listPage } from '../shared/state-table.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/** The public shape of an event type: schema and examplePayload as JSON values. */
export function eventTypeView(s: EventTypeState) {
  return {
    id: s.eventTypeId, ...definitionView(s.definition), version: s.version,
    createdAt: iso(s.createdAt), updatedAt: iso(s.updatedAt),
  };
}

export const getEventType = (db: DatabasePool, scope: Scope, id: string) => getById<EventTypeState>(db, 'event_types', scope, id);
export const getEventTypeByName = (db: DatabasePool, scope: Scope, name: string) => getByName<EventTypeState>(db, 'event_types', scope, name);
/** Newest first, `{data, pagination: {hasMore, cursor}}`; null for a cursor that is not ours. */
export const listEventTypes = (db: DatabasePool, scope: Scope, q: { limit: number; cursor?: string }) => listPage(db, 'event_types', scope, q, eventTypeView);
