import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql, type DatabasePool, type DatabaseTransactionConnection } from 'slonik';
import { Type } from 'typebox';
import { z } from 'zod';
import { eventAttempts, eventStates, getEvent, listEvents, attemptView, eventView } from '../../../projections/events/queries.ts';
import { decodeCursor } from '../../../projections/pagination.ts';
import { decideSendBatch, decideSendEvent } from '../../domain/events/decide.ts';
import { DomainError } from '../../domain/errors/errors.ts';
import type { EventAccepted, EventEdited, EventReplayed } from '../../domain/messages/events.ts';
import { applyEdit, decideEdit, decideReplay, type EventState } from '../../domain/events/replay.ts';
import { EVENT_STATUSES } from '../../domain/events/status.ts';
import { validatePayload } from '../../validation/payload.ts';
import type { ApiContext } from '../context.ts';
import { withinDeadline } from '../deadline.ts';
import { readYourWrites } from '../read-your-writes.ts';

const EventFields = {
  destination: Type.Optional(Type.String({ maxLength: 2048 })),
  eventType: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  payload: Type.Record(Type.String(), Type.Unknown()),
  headers: Type.Optional(Type.Record(Type.String(), Type.String())),
  maxAttempts: Type.Optional(Type.Integer()),
  priority: Type.Optional(Type.Integer()),
  delaySeconds: Type.Optional(Type.Integer()),
};
const SendBody = Type.Object(EventFields);
/**
 * A batch item is checked as a single event is (SendBody's fields), plus its own key; what a
 * batch refuses beyond that (fan-out, delay, priority, a missing key) is decideSendBatch's rule.
 */
const BatchItem = Type.Object({ ...SendBody.properties, idempotencyKey: Type.Optional(Type.String()) });
const BatchBody = Type.Object({ events: Type.Optional(Type.Array(BatchItem)) });
const ListQuery = Type.Object({
  status: Type.Optional(Type.Union(EVENT_STATUSES.map((s) => Type.Literal(s)))),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
});
const IdParams = Type.Object({ id: Type.String() });
const PatchBody = Type.Object({
  destination: Type.Optional(Type.String({ maxLength: 2048 })),
  payload: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  headers: Type.Optional(Type.Record(Type.String(), Type.String())),
  replay: Type.Optional(Type.Boolean()),
});
const RetryBody = Type.Object({
  eventIds: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 1000 })),
  status: Type.Optional(Type.Union([Type.Literal('failed'), Type.Literal('dead')])),
  endpointId: Type.Optional(Type.String({ format: 'uuid' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});
const uuid = z.uuid();

/** The events surface: commands append EventAccepted; reads come from the events projection. */
export function eventRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  async function accept(events: EventAccepted[]) {
    const positions = await ctx.appender.append(events.map((e) => ({ topic: ctx.topics.events, key: e.projectId, event: e })));
    ctx.recent.remember('events', events.map((e) => e.eventId), positions);
  }

  /** Seconds after which a reservation never marked written is abandoned (its append ended long ago, one way or the other). */
  const ABANDONED_AFTER_S = 120;
  type Taken = { key: string; event_id: string; settled: boolean };

  /**
   * Reserves the idempotency keys of `events` (not yet written); answers the keys already taken
   * by other events (and reserves none then), each saying whether its event was written.
   * Fresh keys, the usual case, take one statement; a conflict takes a transaction that first
   * reclaims abandoned reservations among the conflicting keys. Every statement finds its rows by
   * the primary key (project_id, key).
   */
  async function reserve(events: EventAccepted[]): Promise<readonly Taken[]> {
    const projectId = events[0]!.projectId;
    const inserted = await insertKeys(ctx.db, events);
    if (inserted.size === events.length) return [];
    const rest = events.filter((e) => !inserted.has(e.idempotencyKey));
    try {
      return await ctx.db.transaction(async (tx) => {
        const restKeys = sql.array(rest.map((e) => e.idempotencyKey), 'text');
        await tx.query(sql.unsafe`
          DELETE FROM idempotency_keys k
          WHERE k.project_id = ${projectId} AND k.key = ANY(${restKeys}) AND NOT k.written
            AND k.reserved_at < now() - ${ABANDONED_AFTER_S} * interval '1 second'
            AND NOT EXISTS (SELECT 1 FROM events e WHERE e.id = k.event_id)`);
        if ((await insertKeys(tx, rest)).size === rest.length) return [];
        const taken = await tx.any(sql.type(z.object({ key: z.string(), event_id: z.string(), settled: z.boolean() }))`
          SELECT k.key, k.event_id, (k.written OR EXISTS (SELECT 1 FROM events e WHERE e.id = k.event_id)) AS settled
          FROM idempotency_keys k
          WHERE k.project_id = ${projectId} AND k.key = ANY(${restKeys})
            AND NOT (k.event_id = ANY(${sql.array(rest.map((e) => e.eventId), 'uuid')}))`);
        await deleteKeys(tx, events, false);
        return taken;
      });
    } catch (err) {
      // The keys reserved by the first statement would otherwise wait out ABANDONED_AFTER_S.
      retrySoon(() => release(events), 'release the idempotency keys of unwritten events');
      throw err;
    }
  }

  /** The (project, key, event, written) rows of `events`, for an INSERT into idempotency_keys. */
  function keyRows(events: EventAccepted[], written: boolean) {
    return sql.fragment`SELECT ${events[0]!.projectId}, k, e, ${written} FROM ${sql.unnest(events.map((e) => [e.idempotencyKey, e.eventId]), ['text', 'uuid'])} AS t(k, e)`;
  }

  async function insertKeys(db: DatabasePool | DatabaseTransactionConnection, events: EventAccepted[]): Promise<Set<string>> {
    const rows = await db.any(sql.type(z.object({ key: z.string() }))`
      INSERT INTO idempotency_keys (project_id, key, event_id, written) ${keyRows(events, false)}
      ON CONFLICT (project_id, key) DO NOTHING RETURNING key`);
    return new Set(rows.map((r) => r.key));
  }

  /** Deletes the reservations `events` hold (only the unwritten ones if `onlyUnwritten`). */
  async function deleteKeys(db: DatabasePool | DatabaseTransactionConnection, events: EventAccepted[], onlyUnwritten: boolean) {
    await db.query(sql.unsafe`
      DELETE FROM idempotency_keys WHERE project_id = ${events[0]!.projectId}
        AND key = ANY(${sql.array(events.map((e) => e.idempotencyKey), 'text')})
        AND event_id = ANY(${sql.array(events.map((e) => e.eventId), 'uuid')})
        ${onlyUnwritten ? sql.fragment`AND NOT written` : sql.fragment``}`);
  }

  async function release(events: EventAccepted[]) {
    await deleteKeys(ctx.db, events, true);
  }

  /**
   * Marks the keys of appended events written. An upsert, not an UPDATE: each row is found
   * through the primary key whatever the planner estimates (an UPDATE by `key = ANY(...)`, before
   * the table had statistics, read every key of the project: 8-12 ms a batch at 50,000 keys,
   * growing with the table). A key meanwhile held by another event stays as it is; a key no
   * longer reserved at all is recorded again, for the event that was written.
   */
  async function markWritten(events: EventAccepted[]) {
    await ctx.db.query(sql.unsafe`
      INSERT INTO idempotency_keys (project_id, key, event_id, written) ${keyRows(events, true)}
      ON CONFLICT (project_id, key) DO UPDATE SET written = true WHERE idempotency_keys.event_id = EXCLUDED.event_id`);
  }

  /** Runs `op` again for a while when it fails (Postgres may be away just then). */
  function retrySoon(op: () => Promise<void>, what: string, attempt = 0): void {
    op().catch(() => {
      if (attempt < 60) setTimeout(() => retrySoon(op, what, attempt + 1), Math.min(1_000 * 2 ** attempt, 10_000)).unref();
      else console.error(`mittr api: gave up trying to ${what}`);
    });
  }

  /**
   * Reserves the keys, then appends. While Kafka is unreachable kafkajs keeps retrying for a long
   * time: the caller gets a 503 after APPEND_TIMEOUT_MS instead of a hang, and the append goes on.
   * A retry with the same key answers 503 while that first write is unsettled and 409 naming the
   * event only once it is written; a failed append frees its keys. A 409 never names an event
   * that does not exist.
   */
  async function reserveAndAccept(events: EventAccepted[], onTaken: (taken: readonly Taken[]) => never) {
    const taken = await reserve(events);
    if (taken.some((t) => !t.settled)) {
      throw new DomainError('SERVICE_UNAVAILABLE', 'an event with this idempotency key is still being written, retry shortly');
    }
    if (taken.length > 0) onTaken(taken);
    let answered503 = false;
    const appended = accept(events);
    // A late outcome, after the caller got its 503, is settled here (the request path settles its own).
    appended.then(
      () => { if (answered503) retrySoon(() => markWritten(events), 'mark idempotency keys written'); },
      () => { if (answered503) retrySoon(() => release(events), 'release the idempotency keys of unwritten events'); },
    );
    try {
      await withinDeadline(appended, 'the event log (retry with the same idempotency key)');
    } catch (err) {
      const timedOut = err instanceof DomainError && err.code === 'SERVICE_UNAVAILABLE';
      if (timedOut) {
        answered503 = true;
        throw err;
      }
      // Kafka refused the records: their keys are free again before the answer, so a corrected
      // retry (fewer or smaller events) may use them at once.
      await release(events).catch(() => retrySoon(() => release(events), 'release the idempotency keys of unwritten events'));
      throw err;
    }
    // Marked before the 201, so an immediate retry of the key gets its 409.
    await markWritten(events).catch(() => retrySoon(() => markWritten(events), 'mark idempotency keys written'));
  }

  async function loadState(req: { principal: { accountId: string; projectId: string } }, id: string): Promise<EventState> {
    const [state] = uuid.safeParse(id).success
      ? await readYourWrites(ctx, id, async () => (await eventStates(ctx.db, req.principal, { ids: [id], limit: 1 }))[0] ?? null)
        .then((s) => (s ? [s] : []))
      : [];
    if (!state) throw new DomainError('NOT_FOUND', 'event not found');
    return state;
  }

  async function appendChanges(changes: Array<EventEdited | EventReplayed>) {
    if (changes.length === 0) return;
    const positions = await withinDeadline(ctx.appender.append(changes.map((e) => ({ topic: ctx.topics.events, key: e.projectId, event: e }))), 'the event log');
    ctx.recent.remember('events', changes.map((e) => e.eventId), positions);
  }

  async function view(req: { principal: { accountId: string; projectId: string } }, id: string) {
    const row = await getEvent(ctx.db, req.principal, id);
    return row ? eventView(row) : null;
  }

  return async (app) => {
    app.patch('/events/:id', { schema: { params: IdParams, body: PatchBody } }, async (req) => {
      const state = await loadState(req, req.params.id);
      const now = Date.now();
      const edit = decideEdit(state, req.body, now);
      const replay = req.body.replay ? decideReplay(applyEdit(state, edit), now) : null;
      await appendChanges([edit, replay].filter((e) => e !== null));
      const shown = await view(req, state.eventId);
      return { ...shown, ...(edit?.destination ? { destination: edit.destination } : {}),
        ...(edit?.payload ? { payload: req.body.payload } : {}), ...(edit?.headers ? { headers: edit.headers } : {}),
        ...(replay ? { status: 'queued', attempts: 0 } : {}) };
    });

    app.post('/events/:id/replay', { schema: { params: IdParams } }, async (req, reply) => {
      const state = await loadState(req, req.params.id);
      const replay = decideReplay(state, Date.now());
      await appendChanges([replay]);
      return reply.code(200).send({ ...(await view(req, state.eventId)), status: 'queued', attempts: 0 });
    });

    app.post('/events/batch/retry', { schema: { body: RetryBody } }, async (req) => {
      const { eventIds, status, endpointId } = req.body;
      if (!eventIds && !status && !endpointId) throw new DomainError('VALIDATION_ERROR', 'give eventIds, status or endpointId');
      const states = await eventStates(ctx.db, req.principal, { ids: eventIds, status, endpointId, limit: eventIds?.length ?? req.body.limit ?? 100 });
      const now = Date.now();
      const replays: EventReplayed[] = [];
      const skipped: Array<{ id: string; reason: string }> = [];
      for (const s of states) {
        try { replays.push(decideReplay(s, now)); } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          skipped.push({ id: s.eventId, reason: err.message });
        }
      }
      const found = new Set(states.map((s) => s.eventId));
      for (const id of eventIds ?? []) if (!found.has(id)) skipped.push({ id, reason: 'event not found' });
      await appendChanges(replays);
      return { retried: replays.length, eventIds: replays.map((r) => r.eventId), skipped };
    });

    app.post('/events', { schema: { body: SendBody } }, async (req, reply) => {
      const key = req.headers['x-idempotency-key'];
      const event = {
        ...decideSendEvent({ ...req.principal, idempotencyKey: Array.isArray(key) ? key[0] : key, input: req.body }, { now: Date.now(), newId: randomUUID }),
        // The router routes with at least the endpoints this process has seen (read-your-writes for config).
        configOffset: ctx.store.endpointsOffset,
      };
      validatePayload(ctx.store, req.principal.projectId, event.eventType, req.body.payload);
      await reserveAndAccept([event], (taken) => {
        throw new DomainError('CONFLICT', `idempotency key already used by event ${taken[0]!.event_id}`, { eventId: taken[0]!.event_id });
      });
      return reply.code(201).send({
        id: event.eventId, idempotencyKey: event.idempotencyKey, destination: event.destination, eventType: event.eventType,
        status: 'queued', attempts: 0, maxAttempts: event.maxAttempts, priority: event.priority,
        createdAt: new Date(event.createdAt).toISOString(),
      });
    });

    app.post('/events/batch', { schema: { body: BatchBody } }, async (req, reply) => {
      const events = decideSendBatch({ ...req.principal, events: req.body.events }, { now: Date.now(), newId: randomUUID });
      await reserveAndAccept(events, (taken) => {
        const keys = taken.map((t) => t.key);
        throw new DomainError('DUPLICATE_EVENT', `idempotency keys already exist: ${keys.join(', ')}`, { keys });
      });
      const createdAt = new Date(events[0]!.createdAt).toISOString();
      return reply.code(201).send({
        events: events.map((e) => ({ id: e.eventId, idempotencyKey: e.idempotencyKey, status: 'queued', createdAt })),
        count: events.length,
      });
    });

    app.get('/events', { schema: { querystring: ListQuery } }, async (req) => {
      const after = req.query.cursor ? decodeCursor(req.query.cursor) : undefined;
      if (after === null) throw new DomainError('VALIDATION_ERROR', 'invalid cursor');
      return listEvents(ctx.db, req.principal, { status: req.query.status, limit: req.query.limit ?? 20, after });
    });

    app.get('/events/:id', { schema: { params: IdParams } }, async (req) => {
      const id = req.params.id;
      if (!uuid.safeParse(id).success) throw new DomainError('NOT_FOUND', 'event not found');
      const row = await readYourWrites(ctx, id, () => getEvent(ctx.db, req.principal, id));
      if (!row) throw new DomainError('NOT_FOUND', 'event not found');
      const attempts = await eventAttempts(ctx.db, req.principal, id);
      return { ...eventView(row), deliveryAttempts: attempts.map(attemptView) };
    });
  };
}
