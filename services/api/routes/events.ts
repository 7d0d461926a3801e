import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'slonik';
import { Type } from 'typebox';
import { z } from 'zod';
import { decodeCursor, eventAttempts, getEvent, listEvents, attemptView, eventView } from '../../../projections/events/queries.ts';
import { decideSendBatch, decideSendEvent } from '../../domain/events/decide.ts';
import { DomainError } from '../../domain/errors/errors.ts';
import type { EventAccepted } from '../../domain/messages/events.ts';
import { EVENT_STATUSES } from '../../domain/events/status.ts';
import type { ApiContext } from '../context.ts';
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
const BatchBody = Type.Object({ events: Type.Optional(Type.Array(Type.Unknown())) });
const ListQuery = Type.Object({
  status: Type.Optional(Type.Union(EVENT_STATUSES.map((s) => Type.Literal(s)))),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
});
const IdParams = Type.Object({ id: Type.String() });
const uuid = z.uuid();

/** The events surface: commands append EventAccepted; reads come from the events projection. */
export function eventRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  async function accept(events: EventAccepted[]) {
    const positions = await ctx.appender.append(events.map((e) => ({ topic: ctx.topics.events, key: e.projectId, event: e })));
    for (const e of events) ctx.recent.remember(e.eventId, positions);
  }

  /** Reserves the idempotency keys of `events`; answers the keys already taken (and reserves none then). */
  async function reserve(events: EventAccepted[]): Promise<ReadonlyArray<{ key: string; event_id: string }>> {
    const projectId = events[0]!.projectId;
    const keys = events.map((e) => e.idempotencyKey);
    const ids = events.map((e) => e.eventId);
    return ctx.db.transaction(async (tx) => {
      const inserted = await tx.any(sql.type(z.object({ key: z.string() }))`
        INSERT INTO idempotency_keys (project_id, key, event_id)
        SELECT ${projectId}, k, e FROM ${sql.unnest(events.map((e) => [e.idempotencyKey, e.eventId]), ['text', 'uuid'])} AS t(k, e)
        ON CONFLICT (project_id, key) DO NOTHING RETURNING key`);
      if (inserted.length === keys.length) return [];
      const taken = await tx.any(sql.type(z.object({ key: z.string(), event_id: z.string() }))`
        SELECT key, event_id FROM idempotency_keys
        WHERE project_id = ${projectId} AND key = ANY(${sql.array(keys, 'text')}) AND NOT (event_id = ANY(${sql.array(ids, 'uuid')}))`);
      await tx.query(sql.unsafe`DELETE FROM idempotency_keys WHERE project_id = ${projectId} AND event_id = ANY(${sql.array(ids, 'uuid')})`);
      return taken;
    });
  }

  async function release(events: EventAccepted[]) {
    await ctx.db.query(sql.unsafe`DELETE FROM idempotency_keys WHERE project_id = ${events[0]!.projectId}
      AND event_id = ANY(${sql.array(events.map((e) => e.eventId), 'uuid')})`);
  }

  async function reserveAndAccept(events: EventAccepted[], onTaken: (taken: ReadonlyArray<{ key: string; event_id: string }>) => never) {
    const taken = await reserve(events);
    if (taken.length > 0) onTaken(taken);
    try {
      await accept(events);
    } catch (err) {
      await release(events).catch(() => undefined);
      throw err;
    }
  }

  return async (app) => {
    app.post('/events', { schema: { body: SendBody } }, async (req, reply) => {
      const key = req.headers['x-idempotency-key'];
      const event = decideSendEvent({
        ...req.principal, idempotencyKey: Array.isArray(key) ? key[0] : key, input: req.body,
      }, { now: Date.now(), newId: randomUUID });
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
      const events = decideSendBatch({ ...req.principal, events: req.body.events as never }, { now: Date.now(), newId: randomUUID });
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
      if (after === null) throw new DomainError('BAD_REQUEST', 'invalid cursor');
      return listEvents(ctx.db, req.principal, { status: req.query.status, limit: req.query.limit ?? 20, after });
    });

    app.get('/events/:id', { schema: { params: IdParams } }, async (req) => {
      const id = req.params.id;
      if (!uuid.safeParse(id).success) throw new DomainError('NOT_FOUND', 'event not found');
      const row = await readYourWrites(ctx, 'events', id, () => getEvent(ctx.db, req.principal, id));
      if (!row) throw new DomainError('NOT_FOUND', 'event not found');
      const attempts = await eventAttempts(ctx.db, req.principal, id);
      return { ...eventView(row), deliveryAttempts: attempts.map(attemptView) };
    });
  };
}
