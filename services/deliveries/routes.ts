import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Attempt } from '../events/contract.ts';
import { contract, Nullable, type Operation } from '../platform/http/contract.ts';
import { z } from 'zod';
import { attemptView, eventAttempts, getAttempt, getEvent, listAttempts } from '../../projections/events/queries.ts';
import { decodeCursor } from '../platform/postgres/pagination.ts';
import { DomainError } from '../platform/domain/errors.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { Page } from '../platform/http/page.ts';
import { readYourWrites } from '../platform/http/read-your-writes.ts';

const RANGES_MS = { '1h': 3_600_000, '24h': 86_400_000, '7d': 604_800_000, '30d': 2_592_000_000 } as const;
const ListQuery = Type.Object({
  range: Type.Optional(Type.Union(Object.keys(RANGES_MS).map((r) => Type.Literal(r)))),
  start: Type.Optional(Type.String({ format: 'date-time' })),
  end: Type.Optional(Type.String({ format: 'date-time' })),
  outcome: Type.Optional(Type.Union([Type.Literal('success'), Type.Literal('failure'), Type.Literal('timeout')])),
  endpoint_id: Type.Optional(Type.String({ format: 'uuid' })),
  event_type: Type.Optional(Type.String({ maxLength: 255 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
});
const IdParams = Type.Object({ id: Type.String() });
/** The documented offset paging of this list, beside the cursor every list has. */
const AttemptPage = Page(Attempt, { offset: Type.Integer(), limit: Type.Integer(), nextOffset: Nullable(Type.Integer()) });
/** 002 documents `{deliveries, count}` for one event's attempts, and `{data, pagination}` for every list: both. */
const EventAttempts = Type.Object({ ...Page(Attempt).properties, deliveries: Type.Array(Attempt), count: Type.Integer() });
const isUuid = (id: string) => z.uuid().safeParse(id).success;
const op = (summary: string): Operation => ({ tag: 'Deliveries', summary, access: { scope: 'deliveries:read', role: 'viewer' } });

/** Delivery attempts as first-class resources. */
export function deliveryRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/deliveries', { schema: contract(op('List delivery attempts in a time range, newest first'), { querystring: ListQuery, response: { 200: AttemptPage } }) }, async (req) => {
      const q = req.query;
      const endMs = q.end ? Date.parse(q.end) : Date.now();
      const startMs = q.start ? Date.parse(q.start) : endMs - RANGES_MS[(q.range ?? '24h') as keyof typeof RANGES_MS];
      if (startMs > endMs) throw new DomainError('VALIDATION_ERROR', 'start must not be after end');
      const limit = q.limit ?? 50;
      const offset = q.offset ?? 0;
      const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
      if (after === null) throw new DomainError('VALIDATION_ERROR', 'invalid cursor');
      if (after && offset > 0) throw new DomainError('VALIDATION_ERROR', 'give cursor or offset, not both');
      const page = await listAttempts(ctx.db, req.principal, {
        startMs, endMs, outcome: q.outcome, endpointId: q.endpoint_id, eventType: q.event_type, limit, offset, after,
      });
      // Either continues the same list: the cursor from any page, the offset from an offset page.
      return { data: page.data, pagination: { ...page.pagination, offset, limit, nextOffset: page.pagination.hasMore && !after ? offset + limit : null } };
    });

    app.get('/deliveries/:id', { schema: contract(op('Get one delivery attempt'), { params: IdParams, response: { 200: Attempt } }) }, async (req) => {
      const row = isUuid(req.params.id) ? await getAttempt(ctx.db, req.principal, req.params.id) : null;
      if (!row) throw new DomainError('NOT_FOUND', 'delivery not found');
      return attemptView(row);
    });

    app.get('/events/:id/deliveries', { schema: contract(op('List every delivery attempt of an event'), { params: IdParams, response: { 200: EventAttempts } }) }, async (req) => {
      const id = req.params.id;
      const event = isUuid(id) ? await readYourWrites(ctx, id, () => getEvent(ctx.db, req.principal, id)) : null;
      if (!event) throw new DomainError('NOT_FOUND', 'event not found');
      // Every attempt of the event, as documented: one page.
      const deliveries = (await eventAttempts(ctx.db, req.principal, id)).map(attemptView);
      return { data: deliveries, pagination: { hasMore: false, cursor: null }, deliveries, count: deliveries.length };
    });
  };
}
