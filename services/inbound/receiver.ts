import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../platform/domain/errors.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { contract, ErrorBody, type Operation } from '../platform/http/contract.ts';
import { Handshake, ReceiverParams, Received } from './contract.ts';
import type { InboundState } from './domain/evolve.ts';
import { receive } from './receive.ts';
import { PerKeyLimiter } from './limiter.ts';

/**
 * The largest body a provider may post; larger is 413 PAYLOAD_TOO_LARGE, unread and unrecorded.
 * Half of Kafka's default record limit (1 MiB): the event (a binary body in base64 is 4/3 of it)
 * and the request's record must each fit in the log. Providers send far less.
 */
export const INBOUND_BODY_LIMIT = 524_288;

const op: Operation = {
  tag: 'Inbound receiver', summary: 'Receive a webhook from a provider (public: the preset\'s signature scheme authenticates it)', access: 'public',
  errors: [401, 404, 413, 429],
  description: 'Point the provider (Stripe, GitHub, Shopify, ...) at the inbound endpoint\'s `url`. The body is kept byte for byte, whatever its '
    + 'Content-Type, up to 512 KiB (413 PAYLOAD_TOO_LARGE beyond). An unknown or inactive path suffix is 404; more requests a minute than '
    + 'MITTR_INBOUND_REQUESTS_PER_MINUTE is 429 with Retry-After (not recorded). The request is verified with the preset\'s scheme: a missing, '
    + 'wrong or replayed (timestamp outside the 5-minute tolerance) signature is 401 INVALID_SIGNATURE with its `reason`; a verified one 202. '
    + 'Every request that reaches verification is recorded (GET /api/v1/inbound-endpoints/{id}/requests). A verified request becomes an event: '
    + 'a JSON body is its payload as parsed; a form post (application/x-www-form-urlencoded) an object of its fields (a repeated field an array); '
    + 'any other body `{contentType, encoding: "base64", body}`. Its type is the eventTypeMapping\'s value (JSONPath over {headers, data, query}), '
    + 'else the one the provider names (its event header), else `inbound.<source>`. A provider\'s retry of a delivery id already accepted '
    + 'answers 202 with `duplicate: true` and makes no second event. A verified handshake (Slack\'s url_verification, Zoom\'s endpoint.url_validation, '
    + 'Twitch\'s webhook_callback_verification, Discord\'s PING) is answered 200 with what the provider expects, and is no event.',
};

declare module 'fastify' {
  interface FastifyRequest { inbound?: InboundState }
}

/** The public receiver URL, POST /inbound/{pathSuffix}: raw bytes in, a verified event out. */
export function receiverRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const flood = new PerKeyLimiter(ctx.config.inboundRequestsPerMinute);
  const handle = receive(ctx);

  /** Before the body is read: the suffix must be live and active, and within its rate. */
  async function admit(req: FastifyRequest<{ Params: { pathSuffix: string } }>) {
    const s = ctx.store.state.inboundEndpoints.atSuffix(req.params.pathSuffix);
    if (!s || s.config.status !== 'active' || ctx.store.state.erased.has(s.accountId)) throw new DomainError('NOT_FOUND', 'no inbound endpoint at this URL');
    const retryAfterSeconds = flood.take(s.config.pathSuffix);
    if (retryAfterSeconds !== null) throw new DomainError('RATE_LIMITED', 'this inbound endpoint gets more requests than it takes a minute', { retryAfterSeconds });
    req.inbound = s;
  }

  return async (app) => {
    app.addHook('onClose', async () => handle.close());
    // This plugin's own parsers: any Content-Type (or none) is read as the raw bytes it is.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: INBOUND_BODY_LIMIT }, (_req, body, done) => done(null, body));
    app.post('/inbound/:pathSuffix', {
      bodyLimit: INBOUND_BODY_LIMIT,
      onRequest: admit,
      schema: contract(op, { params: ReceiverParams, response: { 200: Handshake, 202: Received, 401: { ...ErrorBody, description: 'The signature (or credential) is missing, wrong or too old (INVALID_SIGNATURE, with its `reason`)' } } }),
    }, async (req, reply) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const answer = await handle.receive(req.inbound!, { method: req.method, path: req.url, headers: req.headers, rawBody: raw, requestId: randomUUID() });
      if (answer.handshake) return reply.code(answer.handshake.status).type(answer.handshake.contentType).send(answer.handshake.body);
      return reply.code(202).send(answer.accepted);
    });
  };
}
