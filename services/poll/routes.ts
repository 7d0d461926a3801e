import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { z } from 'zod';
import { leaseMessages, releaseAcks, reserveAcks, type AckTarget } from '../../projections/poll/queries.ts';
import { ackedAttempt } from './queue.ts';
import type { EndpointState } from '../endpoints/domain/evolve.ts';
import { DomainError } from '../platform/domain/errors.ts';
import type { Principal } from '../platform/http/principal.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { withinDeadline } from '../platform/http/deadline.ts';

/** How often a long poll looks for new messages while it waits. */
const POLL_INTERVAL_MS = 150;

const PollQuery = Type.Object({
  endpoint_id: Type.String(),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  timeout: Type.Optional(Type.Integer({ minimum: 0, maximum: 60 })),
  visibility_timeout: Type.Optional(Type.Integer({ minimum: 1, maximum: 600 })),
});
const Ids = Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 1000 });
const AckBody = Type.Object({
  ids: Type.Optional(Ids),
  endpoint_id: Type.Optional(Type.String()),
  event_ids: Type.Optional(Ids),
});
const isUuid = (id: string) => z.uuid().safeParse(id).success;

/**
 * Poll delivery, for endpoints with `deliveryMode: 'poll'` (nothing is pushed to them; the delivery
 * engine queues their dispatches, services/poll/queue.ts).
 *
 * `GET /poll?endpoint_id=&limit=1..100 (10)&timeout=0..60 s (0)&visibility_timeout=1..600 s (30)`
 * answers `{ data: PollMessage[] }` as soon as at least one message is available, or after
 * `timeout` seconds with `data: []`. PollMessage is
 * `{ id, eventId, eventType, payload, headers, attempt, createdAt, queuedAt, visibleUntil }`
 * (projections/poll/queries.ts `messageView`): `id` is the message (dispatch) id to ack,
 * `payload` the event's JSON payload, `attempt` how many times the message was handed out,
 * `createdAt` when the event was accepted. A message handed out is hidden from every poller
 * until `visibleUntil`, then offered again unless acked.
 *
 * `POST /poll/ack` with `{ ids: [message ids] }`, or the documented `{ endpoint_id, event_ids }`,
 * acknowledges: each message is recorded as delivered (a DeliveryAttempted with outcome success,
 * statusCode null), so its event's status follows, and it is never offered again. Answers
 * `{ acked, notFound }` in the ids given; acking twice is harmless.
 *
 * Errors: an endpoint that is not the caller's (or unknown, or deleted) is 404 NOT_FOUND; an
 * endpoint of the caller that does not deliver by poll is 409 INVALID_STATE (the request becomes
 * valid if the endpoint is switched to poll); bad parameters are 400 VALIDATION_ERROR.
 */
export function pollRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  let closing = false;

  function pollEndpoint(p: Principal, id: string): EndpointState {
    const s = isUuid(id) ? ctx.store.state.endpoints.get(id) : undefined;
    if (!s || s.accountId !== p.accountId || s.projectId !== p.projectId || s.deleted) {
      throw new DomainError('NOT_FOUND', 'endpoint not found');
    }
    if (s.config.deliveryMode !== 'poll') {
      throw new DomainError('INVALID_STATE', `endpoint ${id} has deliveryMode ${s.config.deliveryMode}: only poll endpoints can be polled`);
    }
    return s;
  }

  /** Leases until something is there, the timeout passes, the client hangs up or the server closes. */
  async function longPoll(req: FastifyRequest, lease: () => ReturnType<typeof leaseMessages>, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      // Nobody would receive what a gone client leases: stop before leasing it.
      if (req.raw.socket?.destroyed || closing) return [];
      const data = await lease();
      const left = deadline - Date.now();
      if (data.length > 0 || left <= 0) return data;
      await new Promise((r) => setTimeout(r, Math.min(POLL_INTERVAL_MS, left)));
    }
  }

  function ackTarget(p: Principal, body: { ids?: string[]; endpoint_id?: string; event_ids?: string[] }): AckTarget {
    if (body.ids && body.endpoint_id === undefined && body.event_ids === undefined) return { ids: body.ids };
    if (!body.ids && body.endpoint_id !== undefined && body.event_ids) {
      return { endpointId: pollEndpoint(p, body.endpoint_id).endpointId, eventIds: body.event_ids };
    }
    throw new DomainError('VALIDATION_ERROR', 'give either ids, or endpoint_id with event_ids');
  }

  return async (app) => {
    app.addHook('preClose', async () => { closing = true; });

    app.get('/poll', { schema: { querystring: PollQuery } }, async (req) => {
      const q = req.query;
      const ep = pollEndpoint(req.principal, q.endpoint_id);
      const lease = () => leaseMessages(ctx.db, req.principal, ep.endpointId, q.limit ?? 10, (q.visibility_timeout ?? 30) * 1000);
      return { data: await longPoll(req, lease, (q.timeout ?? 0) * 1000) };
    });

    app.post('/poll/ack', { schema: { body: AckBody } }, async (req) => {
      const target = ackTarget(req.principal, req.body);
      const { reserved, named } = await reserveAcks(ctx.db, req.principal, target);
      if (reserved.length > 0) {
        const at = Date.now();
        const attempts = reserved.map((m) => ackedAttempt(m, at));
        try {
          const positions = await withinDeadline(ctx.appender.append(attempts.map((a) => ({ topic: ctx.topics.outcomes, key: a.eventId, event: a }))), 'the event log');
          // GET /events/{id} right after the ack waits for the delivered status (ARCHITECTURE 10).
          ctx.recent.remember('events', attempts.map((a) => a.eventId), positions);
        } catch (err) {
          await releaseAcks(ctx.db, reserved.map((m) => m.dispatchId)).catch(() => undefined);
          throw err;
        }
      }
      const given = 'ids' in target ? target.ids : target.eventIds;
      const found = new Set(named.map((r) => ('ids' in target ? r.id : r.event_id)));
      return { acked: given.filter((id) => found.has(id)), notFound: given.filter((id) => !found.has(id)) };
    });
  };
}
