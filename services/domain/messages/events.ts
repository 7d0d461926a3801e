import { ENDPOINT_EVENT_TYPES, type EndpointEvent } from '../endpoint/events.ts';
import { EVENT_TYPE_EVENT_TYPES, type EventTypeEvent } from '../event-type/events.ts';

/**
 * The domain events mittr writes to Kafka: facts in the past tense, one Avro schema each
 * (schemas/<type>.avsc). Timestamps are epoch milliseconds.
 */
export type AccountCreated = {
  type: 'AccountCreated';
  accountId: string; email: string; companyName: string; passwordHash: string;
  signingSecretEnc: string; projectId: string; plan: string; createdAt: number;
};
export type ApiKeyCreated = {
  type: 'ApiKeyCreated';
  accountId: string; keyId: string; name: string; keyHash: string; prefix: string; createdAt: number;
};
export type AccountSigningSecretRotated = {
  type: 'AccountSigningSecretRotated';
  accountId: string; signingSecretEnc: string; previousSecretEnc: string; previousExpiresAt: number; rotatedAt: number;
};
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
export type DeliveryRequested = {
  type: 'DeliveryRequested';
  dispatchId: string; eventId: string; accountId: string; projectId: string;
  endpointId: string | null; eventType: string | null; url: string; payload: string;
  headers: Record<string, string>; attempt: number; maxAttempts: number; priority: number;
  dueAt: number; createdAt: number; fifo: boolean;
};
export type AttemptOutcome = 'success' | 'failure' | 'timeout';
export type AttemptDisposition = 'delivered' | 'retry' | 'dead';
export type DeliveryAttempted = {
  type: 'DeliveryAttempted';
  attemptId: string; dispatchId: string; eventId: string; accountId: string; projectId: string;
  endpointId: string | null; eventType: string | null; url: string;
  attemptNumber: number; maxAttempts: number;
  outcome: AttemptOutcome; disposition: AttemptDisposition;
  statusCode: number | null; responseBody: string; error: string; errorCategory: string | null;
  durationMs: number; processingOverheadUs: number; attemptedAt: number;
  nextAttemptAt: number | null; eventCreatedAt: number;
};
/** A dispatch to a poll-mode endpoint, queued for GET /poll instead of pushed (services/delivery/poll.ts). */
export type DeliveryQueuedForPoll = {
  type: 'DeliveryQueuedForPoll';
  dispatchId: string; eventId: string; accountId: string; projectId: string; endpointId: string;
  eventType: string | null; url: string; payload: string; headers: Record<string, string>; maxAttempts: number;
  queuedAt: number; eventCreatedAt: number;
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

/** A record a stream processor could not apply, kept with its coordinates (services/kafka/set-aside.ts). */
export type RecordSetAside = {
  type: 'RecordSetAside';
  consumer: string; topic: string; partition: number; offset: number; key: string;
  recordType: string | null; value: Buffer | null; decoded: string | null; error: string; setAsideAt: number;
};

export type DomainEvent =
  | EndpointEvent
  | EventTypeEvent
  | AccountCreated | ApiKeyCreated | AccountSigningSecretRotated | EventAccepted | EventEdited | EventReplayed | EventRouted
  | DeliveryRequested | DeliveryAttempted | DeliveryQueuedForPoll | RecordSetAside;
export type DomainEventType = DomainEvent['type'];

export const DOMAIN_EVENT_TYPES: readonly DomainEventType[] = [
  'AccountCreated', 'ApiKeyCreated', 'AccountSigningSecretRotated', 'EventAccepted', 'EventEdited', 'EventReplayed', 'EventRouted',
  'DeliveryRequested', 'DeliveryAttempted', 'DeliveryQueuedForPoll', 'RecordSetAside', ...ENDPOINT_EVENT_TYPES, ...EVENT_TYPE_EVENT_TYPES,
];

/** Exhaustiveness guard for switches over DomainEvent. */
export function assertNever(x: never): never {
  throw new Error(`unhandled: ${JSON.stringify(x)}`);
}
