import { DomainError } from '../../platform/domain/errors.ts';
import type { EventEdited, EventReplayed, ReplayTarget } from './messages.ts';
import type { EventStatus } from './status.ts';
import { assertHeaders, assertHttpUrl } from './decide.ts';

/** What replay and edit decisions need to know about an event (read from its projection). */
export type EventState = {
  eventId: string; accountId: string; projectId: string; status: EventStatus; eventType: string | null;
  destination: string | null; payload: string; headers: Record<string, string>; maxAttempts: number;
  priority: number; createdAt: number;
  /** Destinations of the latest routing that were not delivered. */
  undelivered: ReplayTarget[];
};

export type Edit = { destination?: string; payload?: Record<string, unknown>; headers?: Record<string, string> };

const REPLAYABLE: readonly EventStatus[] = ['failed', 'dead'];

function assertReplayable(s: EventState, verb: string): void {
  if (!REPLAYABLE.includes(s.status)) {
    throw new DomainError('INVALID_STATE', `cannot ${verb} an event in status ${s.status}: only failed or dead events can be`);
  }
}

/** Editing is allowed on failed/dead events; a destination edit only applies to direct events. */
export function decideEdit(s: EventState, edit: Edit, now: number): EventEdited | null {
  assertReplayable(s, 'edit');
  if (edit.destination !== undefined) {
    if (s.eventType !== null) throw new DomainError('VALIDATION_ERROR', 'destination can only be changed on a direct event');
    assertHttpUrl(edit.destination, 'destination');
  }
  assertHeaders(edit.headers);
  if (edit.destination === undefined && edit.payload === undefined && edit.headers === undefined) return null;
  return {
    type: 'EventEdited', eventId: s.eventId, accountId: s.accountId, projectId: s.projectId,
    destination: edit.destination ?? null, payload: edit.payload === undefined ? null : JSON.stringify(edit.payload),
    headers: edit.headers ?? null, editedAt: now,
  };
}

/** Folds an edit into the state, so a replay in the same request sends the edited event. */
export function applyEdit(s: EventState, e: EventEdited | null): EventState {
  if (!e) return s;
  const destination = e.destination ?? s.destination;
  return {
    ...s, destination, payload: e.payload ?? s.payload, headers: e.headers ?? s.headers,
    undelivered: e.destination && s.eventType === null ? [{ endpointId: null, url: e.destination }] : s.undelivered,
  };
}

/** Replay re-queues the undelivered destinations of a failed/dead event with attempts reset. */
export function decideReplay(s: EventState, now: number): EventReplayed {
  assertReplayable(s, 'replay');
  const targets = s.undelivered.length > 0 || s.destination === null ? s.undelivered : [{ endpointId: null, url: s.destination }];
  return {
    type: 'EventReplayed', eventId: s.eventId, accountId: s.accountId, projectId: s.projectId, eventType: s.eventType,
    destination: s.destination, payload: s.payload, headers: s.headers, maxAttempts: s.maxAttempts, priority: s.priority,
    targets, createdAt: s.createdAt, replayedAt: now,
  };
}
