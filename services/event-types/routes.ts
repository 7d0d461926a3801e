import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql, type DatabaseTransactionConnection } from 'slonik';
import { Type } from 'typebox';
import { z } from 'zod';
import { eventTypeView, getEventType, getEventTypeByName, listEventTypes } from '../../projections/event-types/queries.ts';
import { DomainError } from '../platform/domain/errors.ts';
import { decide, type EventTypeCommand } from './domain/decide.ts';
import type { EventTypeEvent } from './domain/messages.ts';
import { evolve, type EventTypeState } from './domain/evolve.ts';
import { checkSchema } from './json-schema.ts';
import type { Principal } from '../platform/http/principal.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { readYourWrites } from '../platform/http/read-your-writes.ts';
import { withinDeadline } from '../platform/http/deadline.ts';

const JsonObject = Type.Record(Type.String(), Type.Unknown());
const Fields = {
  name: Type.String({ minLength: 1, maxLength: 255 }),
  description: Type.Optional(Type.String({ maxLength: 1000 })),
  schema: Type.Optional(Type.Union([Type.Null(), JsonObject])),
  schemaVersion: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 50 })])),
  examplePayload: Type.Optional(Type.Union([Type.Null(), JsonObject])),
  deprecated: Type.Optional(Type.Boolean()),
};
const CreateBody = Type.Object(Fields);
const UpdateBody = Type.Partial(Type.Object(Fields));
const IdParams = Type.Object({ id: Type.String() });
const NameParams = Type.Object({ name: Type.String({ maxLength: 255 }) });
const ListQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })), cursor: Type.Optional(Type.String({ maxLength: 200 })) });
const isUuid = (id: string) => z.uuid().safeParse(id).success;
const holderRow = z.object({ event_type_id: z.string() });
/** A name reservation whose create never reached the log (a crash in between) is free after this. */
const ABANDONED_AFTER = sql.fragment`interval '1 minute'`;

/**
 * Event types: an event-sourced aggregate on the event-types topic. The name is unique per
 * project through a reservation row; the schema (JSON Schema) checks POST /events payloads.
 */
export function eventTypeRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  /** The event type as this process knows it, if it belongs to the caller's project. */
  function found(p: Principal, id: string): EventTypeState {
    const s = isUuid(id) ? ctx.store.state.eventTypes.get(id) : undefined;
    if (!s || s.accountId !== p.accountId || s.projectId !== p.projectId || s.deleted) throw new DomainError('NOT_FOUND', 'event type not found');
    return s;
  }

  /** Takes the name for a new event type: free, or held by one deleted or never created. */
  async function reserveName(tx: DatabaseTransactionConnection, et: EventTypeState): Promise<void> {
    const { projectId, eventTypeId } = et;
    const name = et.definition.name;
    const taken = await tx.maybeOne(sql.type(holderRow)`
      INSERT INTO event_type_names (project_id, name, event_type_id) VALUES (${projectId}, ${name}, ${eventTypeId})
      ON CONFLICT DO NOTHING RETURNING event_type_id`);
    if (taken) return;
    const holder = await tx.maybeOne(sql.type(holderRow)`
      SELECT event_type_id FROM event_type_names WHERE project_id = ${projectId} AND name = ${name} FOR UPDATE`);
    const known = holder ? ctx.store.state.eventTypes.get(holder.event_type_id) : undefined;
    const stolen = holder && (!known || known.deleted) ? await tx.maybeOne(sql.type(holderRow)`
      UPDATE event_type_names SET event_type_id = ${eventTypeId}, reserved_at = now()
      WHERE project_id = ${projectId} AND name = ${name} AND event_type_id = ${holder.event_type_id}
        AND (${known?.deleted ?? false} OR reserved_at < now() - ${ABANDONED_AFTER})
      RETURNING event_type_id`) : null;
    if (!stolen) throw new DomainError('CONFLICT', `an event type named ${name} already exists`, holder ? { eventTypeId: holder.event_type_id } : undefined);
  }

  /** Reserves the new versions (and, for a create, the name) in one transaction. */
  async function reserve(events: EventTypeEvent[], next: EventTypeState): Promise<void> {
    await ctx.db.transaction(async (tx) => {
      if (events[0]!.type === 'EventTypeCreated') await reserveName(tx, next);
      const reserved = await tx.any(sql.unsafe`
        INSERT INTO event_type_commands (event_type_id, version)
        SELECT ${next.eventTypeId}, v FROM unnest(${sql.array(events.map((e) => e.version), 'int4')}) AS v
        ON CONFLICT DO NOTHING RETURNING version`);
      if (reserved.length !== events.length) throw new DomainError('CONFLICT', 'the event type was changed concurrently; read it again and retry');
    });
  }

  /** Undoes `reserve` after a failed append, so a retry can take the same name and versions. */
  async function release(events: EventTypeEvent[], next: EventTypeState): Promise<void> {
    await ctx.db.transaction(async (tx) => {
      await tx.query(sql.unsafe`DELETE FROM event_type_commands WHERE event_type_id = ${next.eventTypeId}
        AND version = ANY(${sql.array(events.map((e) => e.version), 'int4')})`);
      if (events[0]!.type === 'EventTypeCreated') await freeName(tx, next);
    });
  }

  function freeName(tx: DatabaseTransactionConnection, et: EventTypeState) {
    return tx.query(sql.unsafe`DELETE FROM event_type_names
      WHERE project_id = ${et.projectId} AND name = ${et.definition.name} AND event_type_id = ${et.eventTypeId}`);
  }

  /** Decides, reserves, appends, and applies the events to this process's store. */
  async function run(state: EventTypeState | undefined, cmd: EventTypeCommand): Promise<EventTypeState> {
    const events = decide(state, cmd, Date.now(), checkSchema);
    if (events.length === 0) return state!;
    const next = events.reduce<EventTypeState | undefined>(evolve, state)!;
    await reserve(events, next);
    let positions;
    try {
      positions = await withinDeadline(ctx.appender.append(events.map((e) => ({ topic: ctx.topics.eventTypes, key: next.eventTypeId, event: e }))), 'the event log');
    } catch (err) {
      await release(events, next).catch(() => undefined);
      throw err;
    }
    events.forEach((e) => ctx.store.apply(e));
    ctx.recent.remember('event-types', [next.eventTypeId], positions);
    // A name left behind here is taken over by the next create (its holder is deleted).
    if (next.deleted) await ctx.db.transaction((tx) => freeName(tx, next)).catch(() => undefined);
    return next;
  }

  const read = (id: string, query: () => Promise<EventTypeState | null>) => readYourWrites(ctx, id, query);

  return async (app) => {
    app.post('/event-types', { schema: { body: CreateBody } }, async (req, reply) => {
      const state = await run(undefined, { type: 'Create', eventTypeId: randomUUID(), ...req.principal, input: req.body });
      return reply.code(201).send(eventTypeView(state));
    });

    app.get('/event-types', { schema: { querystring: ListQuery } }, async (req) => {
      const page = await listEventTypes(ctx.db, req.principal, { limit: req.query.limit ?? 20, cursor: req.query.cursor });
      if (!page) throw new DomainError('VALIDATION_ERROR', 'invalid cursor');
      return page;
    });

    app.get('/event-types/by-name/:name', { schema: { params: NameParams } }, async (req) => {
      const { name } = req.params;
      const known = ctx.store.state.eventTypes.byName(req.principal.projectId, name);
      const query = () => getEventTypeByName(ctx.db, req.principal, name);
      const s = known ? await read(known.eventTypeId, query) : await query();
      if (!s) throw new DomainError('NOT_FOUND', 'event type not found');
      return eventTypeView(s);
    });

    app.get('/event-types/:id', { schema: { params: IdParams } }, async (req) => {
      const id = req.params.id;
      const s = isUuid(id) ? await read(id, () => getEventType(ctx.db, req.principal, id)) : null;
      if (!s) throw new DomainError('NOT_FOUND', 'event type not found');
      return eventTypeView(s);
    });

    app.put('/event-types/:id', { schema: { params: IdParams, body: UpdateBody } }, async (req) =>
      eventTypeView(await run(found(req.principal, req.params.id), { type: 'Update', input: req.body })));

    app.delete('/event-types/:id', { schema: { params: IdParams } }, async (req, reply) => {
      await run(found(req.principal, req.params.id), { type: 'Delete' });
      return reply.code(204).send();
    });
  };
}

