/** Who sent an event or changed it, as the record carries it (null: written before actors were recorded). */
export type EventActor = { type: string; id: string | null; address: string | null } | null;

/** An event's life in the log (schemas/events/): accepted, routed, replayed, edited. Epoch milliseconds. */
export type EventAccepted = {
  type: 'EventAccepted';
  eventId: string; accountId: string; projectId: string; idempotencyKey: string;
  destination: string | null; eventType: string | null; payload: string;
  headers: Record<string, string>; maxAttempts: number; priority: number; delaySeconds: number;
  createdAt: number; maxAttemptsSet: boolean; configOffset: number;
  /** The connectors-topic offset the API had applied: the notifier waits for it. Decoded records always have it (-1 for those written before it). */
  connectorsOffset?: number;
  /** Endpoints to send to directly (an inbound endpoint's destinationIds); absent or empty: destination or fan-out. */
  endpointIds?: string[];
  /** The sub-account it is for: a fan-out reaches that sub-account's endpoints only; null or absent: the workspace's own endpoints only. */
  subAccountId?: string | null;
  /** Set by the append step (the request's actor), not by the decider. */
  actor?: EventActor;
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
  actor?: EventActor;
};
export type EventEdited = {
  type: 'EventEdited';
  eventId: string; accountId: string; projectId: string; destination: string | null; payload: string | null;
  headers: Record<string, string> | null; editedAt: number;
  actor?: EventActor;
};
export type EventMessage = EventAccepted | EventRouted | EventReplayed | EventEdited;
export const EVENT_MESSAGE_TYPES = ['EventAccepted', 'EventRouted', 'EventReplayed', 'EventEdited'] as const satisfies readonly EventMessage['type'][];
