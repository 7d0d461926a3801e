import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { z } from 'zod';
import { eventAttempts, eventStates, getEvent, listEvents, attemptView, eventView } from '../../projections/events/queries.ts';
import { decodeCursor } from '../platform/postgres/pagination.ts';
import { decideSendBatch, decideSendEvent } from './domain/decide.ts';
import { DomainError } from '../platform/domain/errors.ts';
import type { EventReplayed } from './domain/messages.ts';
import { applyEdit, decideEdit, decideReplay } from './domain/replay.ts';
import { validatePayload } from '../event-types/payload.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { readYourWrites } from '../platform/http/read-your-writes.ts';
import { contract, type Operation } from '../platform/http/contract.ts';
import { eventCommands } from './commands.ts';
import { activeSubAccount } from '../sub-accounts/lookup.ts';
import { Accepted, BatchAccepted, BatchBody, Event, EventPage, EventWithAttempts, IdParams, WorkspaceListQuery, PatchBody, Retried, RetryBody, SendBody, SendHeaders } from './contract.ts';

const read: Operation['access'] = { scope: 'events:read', role: 'viewer' };
const write: Operation['access'] = { scope: 'events:write', role: 'editor' };
const op = (summary: string, access: Operation['access'], errors?: number[], description?: string): Operation =>
  ({ tag: 'Events', summary, access, errors, description });

const uuid = z.uuid();

/** The events surface: commands append EventAccepted; reads come from the events projection. */
export function eventRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const { reserveAndAccept, loadState, appendChanges } = eventCommands(ctx);

  async function view(req: { principal: { accountId: string; projectId: string } }, id: string) {
    const row = await getEvent(ctx.db, req.principal, id);
    return row ? eventView(row) : null;
  }

  return async (app) => {
    app.patch('/events/:id', { schema: contract(op('Edit an event (destination, payload, headers) and optionally replay it', write, [409]), { params: IdParams, body: PatchBody, response: { 200: Event } }) }, async (req) => {
      const state = await loadState(req.principal, req.params.id);
      const now = Date.now();
      const edit = decideEdit(state, req.body, now);
      const replay = req.body.replay ? decideReplay(applyEdit(state, edit), now) : null;
      await appendChanges([edit, replay].filter((e) => e !== null));
      const shown = await view(req, state.eventId);
      return { ...shown!, ...(edit?.destination ? { destination: edit.destination } : {}),
        ...(edit?.payload ? { payload: req.body.payload } : {}), ...(edit?.headers ? { headers: edit.headers } : {}),
        ...(replay ? { status: 'queued' as const, attempts: 0 } : {}) };
    });

    app.post('/events/:id/replay', { schema: contract(op('Replay an event to its destinations', write, [409]), { params: IdParams, response: { 200: Event } }) }, async (req, reply) => {
      const state = await loadState(req.principal, req.params.id);
      const replay = decideReplay(state, Date.now());
      await appendChanges([replay]);
      return reply.code(200).send({ ...(await view(req, state.eventId))!, status: 'queued', attempts: 0 });
    });

    app.post('/events/batch/retry', { schema: contract(op('Replay many events: by ids, by status or by endpoint', write), { body: RetryBody, response: { 200: Retried } }) }, async (req) => {
      const { eventIds, status, endpointId } = req.body;
      if (!eventIds && !status && !endpointId) throw new DomainError('VALIDATION_ERROR', 'give eventIds, status or endpointId');
      const states = await eventStates(ctx.db, req.principal, { ids: eventIds, status, endpointId, limit: eventIds?.length ?? req.body.limit ?? 100 });
      const now = Date.now();
      const replays: EventReplayed[] = [];
      const skipped: Array<{ id: string; reason: string }> = [];
      for (const s of states) {
        try { replays.push(decideReplay(s, now)); } catch (err) {
          if (!(err instanceof DomainError)) throw err;
          skipped.push({ id: s.eventId, reason: err.message });
        }
      }
      const found = new Set(states.map((s) => s.eventId));
      for (const id of eventIds ?? []) if (!found.has(id)) skipped.push({ id, reason: 'event not found' });
      await appendChanges(replays);
      return { retried: replays.length, eventIds: replays.map((r) => r.eventId), skipped };
    });

    app.post('/events', { schema: contract(op('Send an event to a destination, or fan it out by type', write, [402, 409],
      'The `X-Idempotency-Key` header makes the send safe to repeat: the same key answers 409 CONFLICT naming the event that holds it. '
      + 'An account over its plan\'s monthly messages gets 402 QUOTA_EXCEEDED, and nothing is accepted.'),
    { body: SendBody, headers: SendHeaders, response: { 201: Accepted } }) }, async (req, reply) => {
      const key = req.headers['x-idempotency-key'];
      const event = {
        ...decideSendEvent({ ...req.principal, idempotencyKey: Array.isArray(key) ? key[0] : key, input: req.body }, { now: Date.now(), newId: randomUUID }),
        // The router routes with at least the endpoints this process has seen (read-your-writes for config).
        configOffset: ctx.store.offset(ctx.topics.endpoints),
        connectorsOffset: ctx.store.offset(ctx.topics.connectors),
      };
      validatePayload(ctx.store.state.eventTypes, req.principal.projectId, event.eventType, req.body.payload);
      event.subAccountId = activeSubAccount(ctx, req.principal, req.body.subAccountId);
      await reserveAndAccept([event], (taken) => {
        throw new DomainError('CONFLICT', `idempotency key already used by event ${taken[0]!.eventId}`, { eventId: taken[0]!.eventId });
      });
      return reply.code(201).send({
        id: event.eventId, idempotencyKey: event.idempotencyKey, destination: event.destination, eventType: event.eventType,
        status: 'queued', attempts: 0, maxAttempts: event.maxAttempts, priority: event.priority,
        createdAt: new Date(event.createdAt).toISOString(),
      });
    });

    app.post('/events/batch', { schema: contract(op('Send up to 100 events to destinations in one request', write, [402, 409],
      'All or none: a batch that would take the account over its plan\'s monthly messages gets 402 QUOTA_EXCEEDED, and none of it is accepted.'), { body: BatchBody, response: { 201: BatchAccepted } }) }, async (req, reply) => {
      const events = decideSendBatch({ ...req.principal, events: req.body.events }, { now: Date.now(), newId: randomUUID });
      for (const e of events) e.subAccountId = activeSubAccount(ctx, req.principal, e.subAccountId);
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

    app.get('/events', { schema: contract(op('List events, newest first', read), { querystring: WorkspaceListQuery, response: { 200: EventPage } }) }, async (req) => {
      const after = req.query.cursor ? decodeCursor(req.query.cursor) : undefined;
      if (after === null) throw new DomainError('VALIDATION_ERROR', 'invalid cursor');
      const { subAccountId } = req.query;
      return listEvents(ctx.db, subAccountId ? { ...req.principal, subAccountId } : req.principal, { status: req.query.status, limit: req.query.limit ?? 20, after });
    });

    app.get('/events/:id', { schema: contract(op('Get an event with its delivery attempts', read), { params: IdParams, response: { 200: EventWithAttempts } }) }, async (req) => {
      const id = req.params.id;
      if (!uuid.safeParse(id).success) throw new DomainError('NOT_FOUND', 'event not found');
      const row = await readYourWrites(ctx, id, () => getEvent(ctx.db, req.principal, id));
      if (!row) throw new DomainError('NOT_FOUND', 'event not found');
      const attempts = await eventAttempts(ctx.db, req.principal, id);
      return { ...eventView(row), deliveryAttempts: attempts.map(attemptView) };
    });
  };
}
