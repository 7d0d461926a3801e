import { headerProblems } from '../../deliveries/domain/delivery-headers.ts';
import { DomainError } from '../../platform/domain/errors.ts';
import type { EventAccepted } from './messages.ts';

export const MAX_ATTEMPTS_CAP = 25;
export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_PRIORITY = 5;
export const BATCH_MAX = 100;

/** The body of POST /api/v1/events after structural validation. */
export type SendEventInput = {
  destination?: string; eventType?: string; payload: Record<string, unknown>;
  headers?: Record<string, string>; maxAttempts?: number; priority?: number; delaySeconds?: number;
  /** The sub-account the event is for (the caller checks it is the caller's and active: services/sub-accounts). */
  subAccountId?: string;
};
export type SendEvent = { accountId: string; projectId: string; idempotencyKey: string | undefined; input: SendEventInput };
export type Deps = { now: number; newId: () => string };

/** The longest delay an event may ask for: 30 days (and within the log's int, which 2^31 s is not). */
export const MAX_DELAY_SECONDS = 30 * 86_400;

/** Decides whether an event is accepted, applying the documented defaults and clamps. */
export function decideSendEvent(cmd: SendEvent, deps: Deps): EventAccepted {
  if (!cmd.idempotencyKey) throw new DomainError('VALIDATION_ERROR', 'X-Idempotency-Key header is required');
  if (cmd.idempotencyKey.length > 255) throw new DomainError('VALIDATION_ERROR', 'X-Idempotency-Key is longer than 255 characters');
  const i = cmd.input;
  if (Boolean(i.destination) === Boolean(i.eventType)) {
    throw new DomainError('VALIDATION_ERROR', 'exactly one of destination or eventType is required');
  }
  if (i.destination !== undefined) assertHttpUrl(i.destination, 'destination');
  const priority = i.priority ?? DEFAULT_PRIORITY;
  if (!Number.isInteger(priority) || priority < 1 || priority > 10) {
    throw new DomainError('VALIDATION_ERROR', 'priority must be an integer from 1 (highest) to 10 (lowest)');
  }
  const delaySeconds = i.delaySeconds ?? 0;
  if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > MAX_DELAY_SECONDS) {
    throw new DomainError('VALIDATION_ERROR', `delaySeconds must be an integer from 0 to ${MAX_DELAY_SECONDS} (30 days)`);
  }
  const requested = i.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(requested) || requested < 1) throw new DomainError('VALIDATION_ERROR', 'maxAttempts must be an integer >= 1');
  assertHeaders(i.headers);
  return {
    type: 'EventAccepted',
    eventId: deps.newId(),
    accountId: cmd.accountId,
    projectId: cmd.projectId,
    idempotencyKey: cmd.idempotencyKey,
    destination: i.destination ?? null,
    eventType: i.eventType ?? null,
    payload: JSON.stringify(i.payload),
    headers: i.headers ?? {},
    maxAttempts: Math.min(requested, MAX_ATTEMPTS_CAP),
    priority,
    delaySeconds,
    createdAt: deps.now,
    maxAttemptsSet: i.maxAttempts !== undefined,
    configOffset: -1, connectorsOffset: -1,
    subAccountId: i.subAccountId ?? null,
  };
}

export type BatchItem = SendEventInput & { idempotencyKey?: string };

/**
 * A batch is all-or-nothing: direct events only, no delay, default priority, each with its own
 * idempotencyKey. Keys repeated inside the batch are reported as DUPLICATE_EVENT.
 */
export function decideSendBatch(
  cmd: { accountId: string; projectId: string; events: BatchItem[] | undefined }, deps: Deps,
): EventAccepted[] {
  const events = cmd.events;
  if (!Array.isArray(events) || events.length === 0) throw new DomainError('VALIDATION_ERROR', 'events must be a non-empty array');
  if (events.length > BATCH_MAX) throw new DomainError('BATCH_TOO_LARGE', `a batch holds at most ${BATCH_MAX} events (got ${events.length})`);
  const problems: string[] = [];
  events.forEach((e, n) => {
    if (!e.idempotencyKey) problems.push(`events[${n}].idempotencyKey is required`);
    if (!e.destination) problems.push(`events[${n}].destination is required`);
    if (e.eventType !== undefined) problems.push(`events[${n}]: fan-out by eventType is not allowed in a batch`);
    if (e.delaySeconds) problems.push(`events[${n}]: delaySeconds is not allowed in a batch`);
    if (e.priority !== undefined && e.priority !== DEFAULT_PRIORITY) problems.push(`events[${n}]: non-default priority is not allowed in a batch`);
    if (e.payload === undefined) problems.push(`events[${n}].payload is required`);
  });
  if (problems.length > 0) throw new DomainError('VALIDATION_ERROR', problems.join('; '), { problems });
  const keys = events.map((e) => e.idempotencyKey!);
  const repeated = [...new Set(keys.filter((k, n) => keys.indexOf(k) !== n))];
  if (repeated.length > 0) {
    throw new DomainError('DUPLICATE_EVENT', `idempotency keys repeated in the batch: ${repeated.join(', ')}`, { keys: repeated });
  }
  return events.map((e, n) => {
    try {
      return decideSendEvent({ accountId: cmd.accountId, projectId: cmd.projectId, idempotencyKey: e.idempotencyKey, input: e }, deps);
    } catch (err) {
      if (err instanceof DomainError) throw new DomainError('VALIDATION_ERROR', `events[${n}]: ${err.message}`);
      throw err;
    }
  });
}

/** Refuses headers the delivery rule refuses (delivery/headers.ts); undefined is none. */
export function assertHeaders(headers: unknown): void {
  if (headers === undefined) return;
  const problems = headerProblems(headers, 'headers');
  if (problems.length > 0) throw new DomainError('VALIDATION_ERROR', problems.join('; '), { problems });
}

export function assertHttpUrl(value: string, field: string): void {
  let url: URL;
  try { url = new URL(value); } catch { throw new DomainError('VALIDATION_ERROR', `${field} must be an absolute http(s) URL`); }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new DomainError('VALIDATION_ERROR', `${field} must use http or https`);
}
