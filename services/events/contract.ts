import { Type } from 'typebox';
import { DateTime, Nullable } from '../platform/http/contract.ts';
import { Page } from '../platform/http/page.ts';
import { EVENT_STATUSES, type EventStatus } from './domain/status.ts';

/** The events room's HTTP contract: what its routes accept and answer. */

const EventFields = {
  destination: Type.Optional(Type.String({ maxLength: 2048, description: 'A URL to deliver to; exactly one of destination or eventType' })),
  eventType: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Fan out to every endpoint subscribed to this type' })),
  payload: Type.Record(Type.String(), Type.Unknown()),
  headers: Type.Optional(Type.Record(Type.String(), Type.String())),
  maxAttempts: Type.Optional(Type.Integer()),
  priority: Type.Optional(Type.Integer()),
  delaySeconds: Type.Optional(Type.Integer()),
  subAccountId: Type.Optional(Type.String({ maxLength: 64, description: 'A sub-account of the project: a fan-out by eventType reaches only its endpoints (without one, only the workspace\'s own endpoints, none of any sub-account\'s); '
    + 'its portal lists the event. A deactivated sub-account\'s events are refused (409 INVALID_STATE)' })),
};
export const SendBody = Type.Object(EventFields);
/**
 * A batch item is checked as a single event is (SendBody's fields), plus its own key; what a
 * batch refuses beyond that (fan-out, delay, priority, a missing key) is decideSendBatch's rule.
 */
const BatchItem = Type.Object({ ...SendBody.properties, idempotencyKey: Type.Optional(Type.String()) });
export const BatchBody = Type.Object({ events: Type.Optional(Type.Array(BatchItem)) });
export const ListQuery = Type.Object({
  status: Type.Optional(Type.Union(EVENT_STATUSES.map((s) => Type.Literal(s)))),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
});
/** The workspace's list may narrow to one sub-account's events. */
export const WorkspaceListQuery = Type.Object({ ...ListQuery.properties, subAccountId: Type.Optional(Type.String({ format: 'uuid', description: 'Only the events sent for this sub-account' })) });
export const IdParams = Type.Object({ id: Type.String() });
export const PatchBody = Type.Object({
  destination: Type.Optional(Type.String({ maxLength: 2048 })),
  payload: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  headers: Type.Optional(Type.Record(Type.String(), Type.String())),
  replay: Type.Optional(Type.Boolean()),
});
export const RetryBody = Type.Object({
  eventIds: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 1000 })),
  status: Type.Optional(Type.Union([Type.Literal('failed'), Type.Literal('dead')])),
  endpointId: Type.Optional(Type.String({ format: 'uuid' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});

const Status = Type.Unsafe<EventStatus>({ type: 'string', enum: [...EVENT_STATUSES] });

/** An event as the API shows it (projections/events/queries.ts eventView). */
export const Event = Type.Object({
  id: Type.String(), idempotencyKey: Nullable(Type.String()), destination: Nullable(Type.String()), eventType: Nullable(Type.String()),
  payload: Type.Unknown(), headers: Type.Record(Type.String(), Type.String()), status: Status,
  attempts: Type.Integer(), maxAttempts: Type.Integer(), priority: Type.Integer(), createdAt: DateTime, deliveredAt: Nullable(DateTime),
  subAccountId: Nullable(Type.String({ description: 'The sub-account it was sent for, or null: the workspace\'s own' })),
});

/** A delivery attempt as every route shows it (attemptView). */
export const Attempt = Type.Object({
  id: Type.String(), eventId: Type.String(), endpointId: Nullable(Type.String()), url: Type.String(),
  attemptNumber: Type.Integer(), outcome: Type.String(), statusCode: Nullable(Type.Integer()), responseBody: Type.String(),
  error: Type.String(), errorCategory: Nullable(Type.String()), durationMs: Type.Integer(), processingOverheadUs: Type.Number(),
  attemptedAt: DateTime,
});

export const EventWithAttempts = Type.Object({ ...Event.properties, deliveryAttempts: Type.Array(Attempt) });
export const EventPage = Page(Event);

/** What POST /events answers: the event as accepted, before any delivery. */
export const Accepted = Type.Object({
  id: Type.String(), idempotencyKey: Nullable(Type.String()), destination: Nullable(Type.String()), eventType: Nullable(Type.String()),
  status: Type.Literal('queued'), attempts: Type.Integer(), maxAttempts: Type.Integer(), priority: Type.Integer(), createdAt: DateTime,
});

export const BatchAccepted = Type.Object({
  events: Type.Array(Type.Object({ id: Type.String(), idempotencyKey: Nullable(Type.String()), status: Type.Literal('queued'), createdAt: DateTime })),
  count: Type.Integer(),
});

export const Retried = Type.Object({
  retried: Type.Integer(),
  eventIds: Type.Array(Type.String()),
  skipped: Type.Array(Type.Object({ id: Type.String(), reason: Type.String() })),
});

export const SendHeaders = Type.Object({
  'x-idempotency-key': Type.String({ minLength: 1, maxLength: 255, description: 'Required: makes the send safe to repeat; a second send with the key answers 409 CONFLICT' }),
});
