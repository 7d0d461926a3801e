import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { z } from 'zod';
import { eventTypeView, getEventType, getEventTypeByName, listEventTypes } from '../../projections/event-types/queries.ts';
import { DomainError } from '../platform/domain/errors.ts';
import type { EventTypeState } from './domain/evolve.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { readYourWrites } from '../platform/http/read-your-writes.ts';
import { eventTypeCommands } from './commands.ts';

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
/**
 * Event types: an event-sourced aggregate on the event-types topic. The name is unique per
 * project through a reservation row; the schema (JSON Schema) checks POST /events payloads.
 */
export function eventTypeRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const { found, run } = eventTypeCommands(ctx);
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

