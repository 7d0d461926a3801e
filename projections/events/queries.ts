import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import type { EventStatus } from '../../services/events/domain/status.ts';
import { afterCursor, toPage, toPageBy } from '../../services/platform/postgres/pagination.ts';
import { ts } from './projector.ts';
import { openPayloadColumn, openStoredMap, openStoredText, SEALED_PREFIX } from '../../services/data-keys/fields.ts';

function iso(ms: number): string;
function iso(ms: number | null): string | null;
function iso(ms: number | null) {
  return ms === null ? null : new Date(ms).toISOString();
}

const eventRow = z.object({
  id: z.string(), account_id: z.string(), idempotency_key: z.string(), destination: z.string().nullable(), event_type: z.string().nullable(),
  payload: z.unknown(), headers: z.record(z.string(), z.string()), status: z.string(), attempts: z.number(),
  max_attempts: z.number(), priority: z.number(), created_at: z.number(), delivered_at: z.number().nullable(), sub_account_id: z.string().nullable(),
});
type EventRow = z.infer<typeof eventRow>;

const attemptRow = z.object({
  id: z.string(), account_id: z.string(), event_id: z.string(), endpoint_id: z.string().nullable(), url: z.string(),
  attempt_number: z.number(), outcome: z.string(), status_code: z.number().nullable(), response_body: z.string(),
  error: z.string(), error_category: z.string().nullable(), duration_ms: z.number(),
  processing_overhead_us: z.coerce.number(), attempted_at: z.number(),
});
type AttemptRow = z.infer<typeof attemptRow>;

/**
 * The payload, headers, response body and URL columns (an event's destination, a destination's
 * and an attempt's url) hold what the log holds: sealed under the account's data key
 * (services/data-keys/fields.ts). They are opened here, in the views, and nowhere else.
 */
/** The payload's exact text (a replay sends it as received), from the column's text. */
function payloadText(accountId: string, columnText: string): string {
  if (!columnText.startsWith(`"${SEALED_PREFIX}`)) return columnText;
  return openStoredText(accountId, 'payload', JSON.parse(columnText) as string);
}

/** A URL column (null: a typed event has no destination), opened. */
const openedUrl = (accountId: string, field: 'url' | 'destination', v: string | null) => (v === null ? null : openStoredText(accountId, field, v));

export function eventView(r: EventRow) {
  return {
    id: r.id, idempotencyKey: r.idempotency_key, destination: openedUrl(r.account_id, 'destination', r.destination), eventType: r.event_type,
    payload: openPayloadColumn(r.account_id, r.payload), headers: openStoredMap(r.account_id, 'headers', r.headers), status: r.status as EventStatus, attempts: r.attempts, maxAttempts: r.max_attempts,
    priority: r.priority, createdAt: iso(r.created_at), deliveredAt: iso(r.delivered_at), subAccountId: r.sub_account_id,
  };
}

export function attemptView(r: AttemptRow) {
  return {
    id: r.id, eventId: r.event_id, endpointId: r.endpoint_id, url: openStoredText(r.account_id, 'url', r.url), attemptNumber: r.attempt_number,
    outcome: r.outcome, statusCode: r.status_code, responseBody: openStoredText(r.account_id, 'responseBody', r.response_body), error: r.error,
    errorCategory: r.error_category, durationMs: r.duration_ms, processingOverheadUs: r.processing_overhead_us,
    attemptedAt: iso(r.attempted_at),
  };
}

const EVENT_COLUMNS = sql.fragment`id, account_id, idempotency_key, destination, event_type, payload, headers, status, attempts,
  max_attempts, priority, created_at, delivered_at, sub_account_id`;
const ATTEMPT_COLUMNS = sql.fragment`id, account_id, event_id, endpoint_id, url, attempt_number, outcome, status_code,
  response_body, error, error_category, duration_ms, processing_overhead_us::float8 AS processing_overhead_us, attempted_at`;

/** A tenant's reads: its project, and within it one sub-account's only when subAccountId is set (the portal's). */
export type Scope = { accountId: string; projectId: string; subAccountId?: string };
/** The condition that keeps a read to the scope's sub-account, when it names one (TRUE for the workspace's reads, which see all). */
const ofSubAccount = (scope: Scope, column = 'sub_account_id') =>
  scope.subAccountId === undefined ? sql.fragment`TRUE` : sql.fragment`${sql.identifier(column.split('.'))} = ${scope.subAccountId}`;

export function getEvent(db: DatabasePool, scope: Scope, id: string) {
  return db.maybeOne(sql.type(eventRow)`
    SELECT ${EVENT_COLUMNS} FROM events
    WHERE id = ${id} AND account_id = ${scope.accountId} AND project_id = ${scope.projectId} AND ${ofSubAccount(scope)}`);
}

export function eventAttempts(db: DatabasePool, scope: Scope, eventId: string) {
  return db.any(sql.type(attemptRow)`
    SELECT ${ATTEMPT_COLUMNS} FROM delivery_attempts
    WHERE event_id = ${eventId} AND account_id = ${scope.accountId} AND project_id = ${scope.projectId}
      AND (${scope.subAccountId === undefined} OR EXISTS (SELECT 1 FROM events e WHERE e.id = ${eventId} AND ${ofSubAccount(scope, 'e.sub_account_id')}))
    ORDER BY attempted_at, attempt_number, id`);
}

/** Every attempt of these events (a page of them: the GDPR export), in each event's order. */
export async function attemptsOfEvents(db: DatabasePool, scope: Scope, eventIds: readonly string[]) {
  if (eventIds.length === 0) return [];
  const rows = await db.any(sql.type(attemptRow)`
    SELECT ${ATTEMPT_COLUMNS} FROM delivery_attempts
    WHERE event_id = ANY(${sql.array([...eventIds], 'uuid')}) AND account_id = ${scope.accountId} AND project_id = ${scope.projectId}
    ORDER BY event_id, attempted_at, attempt_number, id`);
  return rows.map(attemptView);
}

/** Newest first, keyset-paginated. */
export async function listEvents(
  db: DatabasePool, scope: Scope, q: { status?: string; limit: number; after?: [number, string] },
) {
  const conds = [sql.fragment`account_id = ${scope.accountId}`, sql.fragment`project_id = ${scope.projectId}`, ofSubAccount(scope)];
  if (q.status) conds.push(sql.fragment`status = ${q.status}`);
  if (q.after) conds.push(afterCursor(q.after));
  const rows = await db.any(sql.type(eventRow)`
    SELECT ${EVENT_COLUMNS} FROM events WHERE ${sql.join(conds, sql.fragment` AND `)}
    ORDER BY created_at DESC, id DESC LIMIT ${q.limit + 1}`);
  return toPage(rows, q.limit, eventView);
}

export function getAttempt(db: DatabasePool, scope: Scope, id: string) {
  return db.maybeOne(sql.type(attemptRow)`
    SELECT ${ATTEMPT_COLUMNS} FROM delivery_attempts
    WHERE id = ${id} AND account_id = ${scope.accountId} AND project_id = ${scope.projectId}`);
}

export type AttemptFilter = {
  startMs: number; endMs: number; outcome?: string; endpointId?: string; eventType?: string; limit: number; offset: number;
  /** The position of a cursor: rows after it (and then `offset` is 0). */
  after?: [number, string];
};

/**
 * Attempts across all events in a time window, newest first: by offset (documented for this
 * route) or by the opaque cursor every list answers.
 */
export async function listAttempts(db: DatabasePool, scope: Scope, f: AttemptFilter) {
  const conds = [
    sql.fragment`account_id = ${scope.accountId}`, sql.fragment`project_id = ${scope.projectId}`,
    sql.fragment`attempted_at >= ${ts(f.startMs)}`, sql.fragment`attempted_at <= ${ts(f.endMs)}`,
  ];
  if (f.outcome) conds.push(sql.fragment`outcome = ${f.outcome}`);
  if (f.endpointId) conds.push(sql.fragment`endpoint_id = ${f.endpointId}`);
  if (f.eventType) conds.push(sql.fragment`event_type = ${f.eventType}`);
  if (f.after) conds.push(afterCursor(f.after, 'attempted_at'));
  const rows = await db.any(sql.type(attemptRow)`
    SELECT ${ATTEMPT_COLUMNS} FROM delivery_attempts WHERE ${sql.join(conds, sql.fragment` AND `)}
    ORDER BY attempted_at DESC, id DESC LIMIT ${f.limit + 1} OFFSET ${f.offset}`);
  return toPageBy(rows, f.limit, attemptView, (r) => r.attempted_at);
}

const stateRow = z.object({
  id: z.string(), account_id: z.string(), project_id: z.string(), status: z.string(), event_type: z.string().nullable(),
  destination: z.string().nullable(), payload: z.string(), headers: z.record(z.string(), z.string()),
  max_attempts: z.number(), priority: z.number(), created_at: z.number(),
  undelivered: z.array(z.object({ endpointId: z.string().nullable(), url: z.string() })),
});

/** What replay/edit decisions need: the event and the undelivered destinations of its current routing. */
export async function eventStates(db: DatabasePool, scope: Scope, where: { ids?: string[]; status?: string; endpointId?: string; limit: number }) {
  const conds = [sql.fragment`e.account_id = ${scope.accountId}`, sql.fragment`e.project_id = ${scope.projectId}`, ofSubAccount(scope, 'e.sub_account_id')];
  if (where.ids) conds.push(sql.fragment`e.id = ANY(${sql.array(where.ids, 'uuid')})`);
  if (where.status) conds.push(sql.fragment`e.status = ${where.status}`);
  else if (!where.ids) conds.push(sql.fragment`e.status IN ('failed', 'dead')`);
  if (where.endpointId) {
    conds.push(sql.fragment`EXISTS (SELECT 1 FROM event_destinations x WHERE x.event_id = e.id AND x.routed_at = e.routed_at
      AND x.endpoint_id = ${where.endpointId} AND x.state <> 'delivered')`);
  }
  const rows = await db.any(sql.type(stateRow)`
    SELECT e.id, e.account_id, e.project_id, e.status, e.event_type, e.destination, e.payload::text AS payload, e.headers,
      e.max_attempts, e.priority, e.created_at,
      coalesce((SELECT json_agg(json_build_object('endpointId', d.endpoint_id, 'url', d.url))
        FROM event_destinations d WHERE d.event_id = e.id AND d.routed_at = e.routed_at AND d.state <> 'delivered'), '[]') AS undelivered
    FROM events e WHERE ${sql.join(conds, sql.fragment` AND `)}
    ORDER BY e.created_at, e.id LIMIT ${where.limit}`);
  return rows.map((r) => ({
    eventId: r.id, accountId: r.account_id, projectId: r.project_id, status: r.status as EventStatus,
    eventType: r.event_type, destination: openedUrl(r.account_id, 'destination', r.destination),
    payload: payloadText(r.account_id, r.payload), headers: openStoredMap(r.account_id, 'headers', r.headers),
    maxAttempts: r.max_attempts, priority: r.priority, createdAt: r.created_at,
    // A replay's record seals them anew (its targets' URLs), as it does the payload.
    undelivered: r.undelivered.map((d) => ({ endpointId: d.endpointId, url: openStoredText(r.account_id, 'url', d.url) })),
  }));
}
