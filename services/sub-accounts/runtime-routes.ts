import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { Type } from 'typebox';
import { endpointView, getEndpoint, listEndpoints } from '../../projections/endpoints/queries.ts';
import { attemptView, eventAttempts, eventView, getEvent, listEvents, type Scope } from '../../projections/events/queries.ts';
import { DomainError } from '../platform/domain/errors.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { contract, type Operation } from '../platform/http/contract.ts';
import { readYourWrites } from '../platform/http/read-your-writes.ts';
import { decodeCursor } from '../platform/postgres/pagination.ts';
import { newSigningSecret } from '../platform/security/secrets.ts';
import { endpointCommands } from '../endpoints/commands.ts';
import { CreateBody as EndpointBody, Endpoint, EndpointPage, ListQuery as EndpointListQuery } from '../endpoints/contract.ts';
import type { EndpointInput } from '../endpoints/domain/config.ts';
import { eventCommands } from '../events/commands.ts';
import { Attempt, Event, EventPage, EventWithAttempts, ListQuery as EventListQuery } from '../events/contract.ts';
import { decideReplay } from '../events/domain/replay.ts';
import { subAccountCommands } from './commands.ts';
import { isUuid } from './lookup.ts';
import { assertActive } from './domain/decide.ts';
import type { SubAccountState } from './domain/evolve.ts';
import { runtimeSessionView, Session, Exchanged, ExchangeBody, IdParams } from './runtime-contract.ts';

declare module 'fastify' {
  interface FastifyRequest { portal: { scope: Required<Scope>; sessionId: string; returnUrl: string; expiresAt: number; subAccount: SubAccountState } }
}

const op = (summary: string, errors?: number[], description?: string): Operation =>
  ({ tag: 'Sub-account runtime', summary, access: 'public', security: [{ portalSession: [] }], errors, description });

/**
 * /sub-account-api: what the embedded portal calls with its session token. Every read and change
 * is the session's sub-account's only (the endpoints' and events' own queries and commands, with
 * the sub-account in their scope): another sub-account's ids, or the workspace's own, are 404.
 */
export function subAccountRuntimeRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const portal = subAccountCommands(ctx);
  const endpoints = endpointCommands(ctx);
  const events = eventCommands(ctx);

  async function authenticate(req: FastifyRequest) {
    const bearer = req.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!bearer) throw new DomainError('UNAUTHORIZED', 'send Authorization: Bearer <portal session token> (from POST /sub-account-api/auth/exchange)');
    const { session, subAccount } = await portal.authenticate(bearer);
    req.portal = { scope: { accountId: session.account_id, projectId: session.project_id, subAccountId: session.sub_account_id },
      sessionId: session.id, returnUrl: session.return_url, expiresAt: session.expires_at, subAccount };
    req.actorSlot.actor = { type: 'portal_session', id: session.id, address: req.ip };
  }

  const authenticated: FastifyPluginAsyncTypebox = async (app) => {
    app.decorateRequest('portal', null as never);
    app.addHook('onRequest', authenticate);

    app.get('/session', { schema: contract(op('The portal session: its sub-account, return URL and allowed origins'), { response: { 200: Session } }) }, async (req) =>
      runtimeSessionView(req.portal));

    app.get('/endpoints', { schema: contract(op('List the sub-account\'s endpoints, newest first'), { querystring: EndpointListQuery, response: { 200: EndpointPage } }) }, async (req) => {
      const page = await listEndpoints(ctx.db, req.portal.scope, { limit: req.query.limit ?? 20, cursor: req.query.cursor });
      if (!page) throw new DomainError('VALIDATION_ERROR', 'invalid cursor');
      return page;
    });

    app.post('/endpoints', { schema: contract(op('Create an endpoint of the sub-account', [409]), { body: EndpointBody, response: { 201: Endpoint } }) }, async (req, reply) => {
      const { signingSecret, mtlsCert, mtlsKey, subAccountId: _ignored, ...input } = req.body;
      if (mtlsCert !== undefined || mtlsKey !== undefined) throw new DomainError('VALIDATION_ERROR', 'a portal endpoint takes no client certificate');
      const { scope, subAccount } = req.portal;
      assertActive(subAccount, scope);
      const created = await endpoints.runWithNotices(undefined, {
        type: 'Create', endpointId: randomUUID(), accountId: scope.accountId, projectId: scope.projectId, subAccountId: scope.subAccountId,
        // Never the workspace's global secret: it signs the workspace's other deliveries, which the customer must not be able to forge.
        input: endpoints.sealInput(input as EndpointInput), signingSecretEnc: ctx.secrets.seal(signingSecret ?? newSigningSecret()),
      });
      const { signingSecret: applies, signingSecretSource } = endpoints.secretsOf(scope, created.state!);
      return reply.code(201).send({ ...endpointView(created.state!), signingSecret: applies, signingSecretSource, notices: created.notices });
    });

    app.get('/endpoints/:id', { schema: contract(op('Get one of the sub-account\'s endpoints'), { params: IdParams, response: { 200: Endpoint } }) }, async (req) => {
      const id = req.params.id;
      const s = isUuid(id) ? await readYourWrites(ctx, id, () => getEndpoint(ctx.db, req.portal.scope, id)) : null;
      if (!s) throw new DomainError('NOT_FOUND', 'endpoint not found');
      return endpointView(s);
    });

    app.get('/events', { schema: contract(op('List the sub-account\'s events, newest first'), { querystring: EventListQuery, response: { 200: EventPage } }) }, async (req) => {
      const after = req.query.cursor ? decodeCursor(req.query.cursor) : undefined;
      if (after === null) throw new DomainError('VALIDATION_ERROR', 'invalid cursor');
      return listEvents(ctx.db, req.portal.scope, { status: req.query.status, limit: req.query.limit ?? 20, after });
    });

    const eventOf = async (scope: Scope, id: string) => {
      const row = isUuid(id) ? await readYourWrites(ctx, id, () => getEvent(ctx.db, scope, id)) : null;
      if (!row) throw new DomainError('NOT_FOUND', 'event not found');
      return row;
    };

    app.get('/events/:id', { schema: contract(op('Get one of the sub-account\'s events with its delivery attempts'), { params: IdParams, response: { 200: EventWithAttempts } }) }, async (req) => {
      const row = await eventOf(req.portal.scope, req.params.id);
      return { ...eventView(row), deliveryAttempts: (await eventAttempts(ctx.db, req.portal.scope, row.id)).map(attemptView) };
    });

    app.get('/events/:id/deliveries', { schema: contract(op('List the delivery attempts of one of the sub-account\'s events'), { params: IdParams, response: { 200: Type.Object({ data: Type.Array(Attempt) }) } }) }, async (req) => {
      const row = await eventOf(req.portal.scope, req.params.id);
      return { data: (await eventAttempts(ctx.db, req.portal.scope, row.id)).map(attemptView) };
    });

    app.post('/events/:id/retry', { schema: contract(op('Send one of the sub-account\'s events again to its undelivered destinations', [409]), { params: IdParams, response: { 200: Event } }) }, async (req) => {
      const { scope, subAccount } = req.portal;
      assertActive(subAccount, scope);
      const state = await events.loadState(scope, req.params.id);
      await events.appendChanges([decideReplay(state, Date.now())]);
      return { ...eventView((await getEvent(ctx.db, scope, state.eventId))!), status: 'queued' as const, attempts: 0 };
    });
  };

  return async (app) => {
    app.post('/sub-account-api/auth/exchange', { schema: contract({ tag: 'Sub-account runtime', summary: 'Swap a portal URL\'s one-time exchange token for a session token', access: 'public', errors: [401],
      description: 'The token works once, within 10 minutes of its URL being minted; the session it opens lasts ttlSeconds (default 1 h) past its last use and ends when revoked.' },
    { body: ExchangeBody, response: { 200: Exchanged } }) }, async (req) => {
      const { session, token } = await portal.exchange(req.body.token);
      return { sessionToken: token, sessionId: session.id, subAccountId: session.sub_account_id, expiresAt: new Date(session.expires_at).toISOString() };
    });
    await app.register(authenticated, { prefix: '/sub-account-api' });
  };
}
