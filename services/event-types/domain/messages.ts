/** The event type aggregate's events (schemas/EventType*.avsc). Each one is a new version. */
export type EventTypeDefinition = {
  name: string; description: string;
  /** JSON Schema (draft-07) as JSON text, or null: payloads are not checked. */
  schema: string | null;
  schemaVersion: string | null;
  /** A JSON object as text. */
  examplePayload: string | null;
  deprecated: boolean;
};

type Base = { eventTypeId: string; accountId: string; projectId: string; version: number; at: number };
export type EventTypeCreated = Base & { type: 'EventTypeCreated'; definition: EventTypeDefinition };
export type EventTypeUpdated = Base & { type: 'EventTypeUpdated'; definition: EventTypeDefinition };
export type EventTypeDeleted = Base & { type: 'EventTypeDeleted' };
export type EventTypeEvent = EventTypeCreated | EventTypeUpdated | EventTypeDeleted;
export const EVENT_TYPE_EVENT_TYPES = ['EventTypeCreated', 'EventTypeUpdated', 'EventTypeDeleted'] as const;
