import type { ConfigSlice } from '../platform/state/config-store.ts';
import { EVENT_TYPE_EVENT_TYPES, type EventTypeEvent } from './domain/messages.ts';
import { evolve, type EventTypeState } from './domain/evolve.ts';

/** Every event type with its schema, as the API keeps them to validate payloads. */
export class EventTypesState implements ConfigSlice {
  readonly types = EVENT_TYPE_EVENT_TYPES;
  private readonly eventTypes = new Map<string, EventTypeState>();
  /** Live event type id by `projectId/name`. */
  private readonly ids = new Map<string, string>();
  readonly topic: string;
  constructor(topic: string) {
    this.topic = topic;
  }

  apply(e: EventTypeEvent): void {
    const current = this.eventTypes.get(e.eventTypeId);
    if (current && e.version <= current.version) return; // the API applied it already
    const next = evolve(current, e);
    if (!next) return;
    this.eventTypes.set(e.eventTypeId, next);
    const key = `${next.projectId}/${next.definition.name}`;
    if (!next.deleted) this.ids.set(key, next.eventTypeId);
    else if (this.ids.get(key) === next.eventTypeId) this.ids.delete(key);
  }

  get(eventTypeId: string): EventTypeState | undefined {
    return this.eventTypes.get(eventTypeId);
  }

  /** The project's live event type of that name (with its schema), if any. */
  byName(projectId: string, name: string): EventTypeState | undefined {
    const id = this.ids.get(`${projectId}/${name}`);
    return id === undefined ? undefined : this.eventTypes.get(id);
  }
}
