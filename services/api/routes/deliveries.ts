import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { z } from 'zod';
import { attemptView, eventAttempts, getAttempt, getEvent, listAttempts } from '../../../projections/events/queries.ts';
import { DomainError } from '../../domain/errors/errors.ts';
import type { ApiContext } from '../context.ts';
import { readYourWrites } from '../read-your-writes.ts';

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
});
const IdParams = Type.Object({ id: Type.String() });
const isUuid = (id: string) => z.uuid().safeParse(id).success;

/** Delivery attempts as first-class resources. */
export function deliveryRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/deliveries', { schema: { querystring: ListQuery } }, async (req) => {
      const q = req.query;
      const endMs = q.end ? Date.parse(q.end) : Date.now();
      const startMs = q.start ? Date.parse(q.start) : endMs - RANGES_MS[(q.range ?? '24h') as keyof typeof RANGES_MS];
      if (startMs > endMs) throw new DomainError('BAD_REQUEST', 'start must not be after end');
      const limit = q.limit ?? 50;
      const offset = q.offset ?? 0;
      const page = await listAttempts(ctx.db, req.principal, {
        startMs, endMs, outcome: q.outcome, endpointId: q.endpoint_id, eventType: q.event_type, limit, offset,
      });
      return { data: page.rows.map(attemptView), pagination: { hasMore: page.hasMore, offset, limit, nextOffset: page.hasMore ? offset + limit : null } };
    });

    app.get('/deliveries/:id', { schema: { params: IdParams } }, async (req) => {
      const row = isUuid(req.params.id) ? await getAttempt(ctx.db, req.principal, req.params.id) : null;
      if (!row) throw new DomainError('NOT_FOUND', 'delivery not found');
      return attemptView(row);
    });

    app.get('/events/:id/deliveries', { schema: { params: IdParams } }, async (req) => {
      const id = req.params.id;
      const event = isUuid(id) ? await readYourWrites(ctx, id, () => getEvent(ctx.db, req.principal, id)) : null;
      if (!event) throw new DomainError('NOT_FOUND', 'event not found');
      const deliveries = (await eventAttempts(ctx.db, req.principal, id)).map(attemptView);
      return { deliveries, count: deliveries.length };
    });
  };
}
