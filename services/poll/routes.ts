import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { leaseMessages } from '../../projections/poll/queries.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { contract, DateTime, Nullable, type Operation } from '../platform/http/contract.ts';
import { pollCommands } from './commands.ts';

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
/** A message a poller leases (projections/poll/queries.ts messageView). */
const PollMessage = Type.Object({
  id: Type.String({ description: 'The message id to ack' }), eventId: Type.String(), eventType: Nullable(Type.String()),
  payload: Type.Unknown(), headers: Type.Record(Type.String(), Type.String()), attempt: Type.Integer(),
  createdAt: DateTime, queuedAt: DateTime, visibleUntil: DateTime,
});
const Polled = Type.Object({ data: Type.Array(PollMessage) });
const Acked = Type.Object({ acked: Type.Array(Type.String()), notFound: Type.Array(Type.String()) });
const op = (summary: string, scope: 'events:read' | 'events:write'): Operation =>
  ({ tag: 'Poll', summary, access: { scope, role: scope === 'events:read' ? 'viewer' : 'editor' }, errors: [404, 409] });

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
  const { pollEndpoint, ack } = pollCommands(ctx);

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

  return async (app) => {
    app.addHook('preClose', async () => { closing = true; });

    app.get('/poll', { schema: contract(op('Lease the next messages of a poll endpoint (long poll)', 'events:read'), { querystring: PollQuery, response: { 200: Polled } }) }, async (req) => {
      const q = req.query;
      const ep = pollEndpoint(req.principal, q.endpoint_id);
      const lease = () => leaseMessages(ctx.db, req.principal, ep.endpointId, q.limit ?? 10, (q.visibility_timeout ?? 30) * 1000);
      return { data: await longPoll(req, lease, (q.timeout ?? 0) * 1000) };
    });

    app.post('/poll/ack', { schema: contract(op('Acknowledge polled messages: each is delivered and never offered again', 'events:write'), { body: AckBody, response: { 200: Acked } }) }, async (req) => ack(req.principal, req.body));
  };
}
