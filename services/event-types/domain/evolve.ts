import { assertNever } from '../../platform/domain/never.ts';
import type { EventTypeDefinition, EventTypeEvent } from './messages.ts';

export type EventTypeState = {
  eventTypeId: string; accountId: string; projectId: string; version: number; definition: EventTypeDefinition;
  deleted: boolean; createdAt: number; updatedAt: number;
};

/** Folds one event into the event type's state (undefined before it exists). */
export function evolve(s: EventTypeState | undefined, e: EventTypeEvent): EventTypeState | undefined {
  if (e.type === 'EventTypeCreated') {
    return {
      eventTypeId: e.eventTypeId, accountId: e.accountId, projectId: e.projectId, version: e.version,
      definition: e.definition, deleted: false, createdAt: e.at, updatedAt: e.at,
    };
  }
  if (!s) return s;
  const next = { ...s, version: e.version, updatedAt: e.at };
  switch (e.type) {
    case 'EventTypeUpdated': return { ...next, definition: e.definition };
    case 'EventTypeDeleted': return { ...next, deleted: true };
    default: return assertNever(e);
  }
}
