import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { z } from 'zod';
import { eventTypeView, getEventType, getEventTypeByName, listEventTypes } from '../../projections/event-types/queries.ts';
import { DomainError } from '../platform/domain/errors.ts';
import type { EventTypeState } from './domain/evolve.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { readYourWrites } from '../platform/http/read-your-writes.ts';
import { contract, NoContent, type Operation } from '../platform/http/contract.ts';
import { eventTypeCommands } from './commands.ts';
import { CreateBody, EventType, EventTypePage, IdParams, ListQuery, NameParams, UpdateBody } from './contract.ts';

const reads: Operation['access'] = { scope: 'event-types:read', role: 'viewer' };
const writes: Operation['access'] = { scope: 'event-types:write', role: 'editor' };
const op = (summary: string, access: Operation['access'], errors?: number[]): Operation => ({ tag: 'Event types', summary, access, errors });

const isUuid = (id: string) => z.uuid().safeParse(id).success;
/**
 * Event types: an event-sourced aggregate on the event-types topic. The name is unique per
 * project through a reservation row; the schema (JSON Schema) checks POST /events payloads.
 */
export function eventTypeRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const { found, run } = eventTypeCommands(ctx);
  const read = (id: string, query: () => Promise<EventTypeState | null>) => readYourWrites(ctx, id, query);

  return async (app) => {
    app.post('/event-types', { schema: contract(op('Create an event type, with an optional JSON Schema for its payloads', writes, [409]), { body: CreateBody, response: { 201: EventType } }) }, async (req, reply) => {
      const state = await run(undefined, { type: 'Create', eventTypeId: randomUUID(), ...req.principal, input: req.body });
      return reply.code(201).send(eventTypeView(state));
    });

    app.get('/event-types', { schema: contract(op('List event types', reads), { querystring: ListQuery, response: { 200: EventTypePage } }) }, async (req) => {
      const page = await listEventTypes(ctx.db, req.principal, { limit: req.query.limit ?? 20, cursor: req.query.cursor });
      if (!page) throw new DomainError('VALIDATION_ERROR', 'invalid cursor');
      return page;
    });

    app.get('/event-types/by-name/:name', { schema: contract(op('Get an event type by its name', reads), { params: NameParams, response: { 200: EventType } }) }, async (req) => {
      const { name } = req.params;
      const known = ctx.store.state.eventTypes.byName(req.principal.projectId, name);
      const query = () => getEventTypeByName(ctx.db, req.principal, name);
      const s = known ? await read(known.eventTypeId, query) : await query();
      if (!s) throw new DomainError('NOT_FOUND', 'event type not found');
      return eventTypeView(s);
    });

    app.get('/event-types/:id', { schema: contract(op('Get an event type', reads), { params: IdParams, response: { 200: EventType } }) }, async (req) => {
      const id = req.params.id;
      const s = isUuid(id) ? await read(id, () => getEventType(ctx.db, req.principal, id)) : null;
      if (!s) throw new DomainError('NOT_FOUND', 'event type not found');
      return eventTypeView(s);
    });

    app.put('/event-types/:id', { schema: contract(op('Change an event type (a new version)', writes, [409]), { params: IdParams, body: UpdateBody, response: { 200: EventType } }) }, async (req) =>
      eventTypeView(await run(found(req.principal, req.params.id), { type: 'Update', input: req.body })));

    app.delete('/event-types/:id', { schema: contract(op('Delete an event type', writes, [409]), { params: IdParams, response: { 204: NoContent } }) }, async (req, reply) => {
      await run(found(req.principal, req.params.id), { type: 'Delete' });
      return reply.code(204).send(null);
    });
  };
}

