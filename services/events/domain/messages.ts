/** An event's life in the log (schemas/events/): accepted, routed, replayed, edited. Epoch milliseconds. */
export type EventAccepted = {
  type: 'EventAccepted';
  eventId: string; accountId: string; projectId: string; idempotencyKey: string;
  destination: string | null; eventType: string | null; payload: string;
  headers: Record<string, string>; maxAttempts: number; priority: number; delaySeconds: number;
  createdAt: number; maxAttemptsSet: boolean; configOffset: number;
};
export type RoutedDestination = { dispatchId: string; endpointId: string | null; url: string };
export type EventRouted = {
  type: 'EventRouted';
  eventId: string; accountId: string; projectId: string; destinations: RoutedDestination[];
  routedAt: number;
};
export type ReplayTarget = { endpointId: string | null; url: string };
export type EventReplayed = {
  type: 'EventReplayed';
  eventId: string; accountId: string; projectId: string; eventType: string | null; destination: string | null;
  payload: string; headers: Record<string, string>; maxAttempts: number; priority: number;
  targets: ReplayTarget[]; createdAt: number; replayedAt: number;
};
export type EventEdited = {
  type: 'EventEdited';
  eventId: string; accountId: string; projectId: string; destination: string | null; payload: string | null;
  headers: Record<string, string> | null; editedAt: number;
};
export type EventMessage = EventAccepted | EventRouted | EventReplayed | EventEdited;
export const EVENT_MESSAGE_TYPES = ['EventAccepted', 'EventRouted', 'EventReplayed', 'EventEdited'] as const satisfies readonly EventMessage['type'][];
