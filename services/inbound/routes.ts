import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { z } from 'zod';
import { getInboundEndpoint, listInboundEndpoints } from '../../projections/inbound-endpoints/queries.ts';
import { getInboundRequest, listInboundRequests } from '../../projections/inbound-requests/queries.ts';
import { DomainError } from '../platform/domain/errors.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { contract, NoContent, type Operation } from '../platform/http/contract.ts';
import { readYourWrites } from '../platform/http/read-your-writes.ts';
import { PRESETS } from './domain/presets/index.ts';
import type { InboundState } from './domain/evolve.ts';
import { inboundCommands } from './commands.ts';
import { CreateBody, IdParams, InboundEndpoint, InboundEndpointPage, InboundRequest, InboundRequestPage, ListQuery, PatchBody, PresetList, RequestParams } from './contract.ts';
import { inboundView } from './view.ts';

const read: Operation['access'] = { scope: 'inbound:read', role: 'viewer' };
const write: Operation['access'] = { scope: 'inbound:write', role: 'editor' };
const op = (summary: string, access: Operation['access'], errors?: number[], description?: string): Operation =>
  ({ tag: 'Inbound endpoints', summary, access, errors, description });

const isUuid = (id: string) => z.uuid().safeParse(id).success;
/** Every preset as the API lists it: what it verifies with and which sourceConfig fields it needs. */
const presetList = () => {
  const data = PRESETS.map((p) => ({ source: p.source, name: p.name, description: p.description, mode: p.mode, fields: p.fields }));
  return { data, count: data.length };
};

/**
 * Inbound endpoints: an event-sourced aggregate on the inbound-endpoints topic. The path suffix
 * is unique across the deployment through a reservation row; the receiver (receiver.ts) finds
 * the endpoint in memory by it.
 */
export function inboundRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const { found, run } = inboundCommands(ctx);
  const view = (s: InboundState) => inboundView(s, ctx.config.publicUrl, (sealed) => ctx.secrets.open(sealed));
  const presets = presetList();

  return async (app) => {
    app.get('/inbound-presets', { schema: contract(op('List the providers inbound endpoints verify, with the sourceConfig fields each needs', read), { response: { 200: PresetList } }) }, async () => presets);

    app.post('/inbound-endpoints', { schema: contract(op('Create an inbound endpoint: a receiver URL for a provider\'s webhooks', write, [409],
      'The answer\'s `url` is what to give the provider. A `pathSuffix` taken by any inbound endpoint of the deployment is 409 CONFLICT; '
      + 'a `source` that is no preset, or a sourceConfig without a field the preset requires, is 400; a destinationId that is not an endpoint of the project is 404.'),
    { body: CreateBody, response: { 201: InboundEndpoint } }) }, async (req, reply) => {
      const state = await run(req.principal, undefined, { type: 'Create', inboundEndpointId: randomUUID(), ...req.principal, input: req.body });
      return reply.code(201).send(view(state));
    });

    app.get('/inbound-endpoints', { schema: contract(op('List inbound endpoints', read), { querystring: ListQuery, response: { 200: InboundEndpointPage } }) }, async (req) => {
      const page = await listInboundEndpoints(ctx.db, req.principal, { limit: req.query.limit ?? 20, cursor: req.query.cursor }, view);
      if (!page) throw new DomainError('VALIDATION_ERROR', 'invalid cursor');
      return page;
    });

    app.get('/inbound-endpoints/:id', { schema: contract(op('Get an inbound endpoint', read), { params: IdParams, response: { 200: InboundEndpoint } }) }, async (req) => {
      const id = req.params.id;
      const s = isUuid(id) ? await readYourWrites(ctx, id, () => getInboundEndpoint(ctx.db, req.principal, id)) : null;
      if (!s) throw new DomainError('NOT_FOUND', 'inbound endpoint not found');
      return view(s);
    });

    app.patch('/inbound-endpoints/:id', { schema: contract(op('Change an inbound endpoint (a new version); status inactive makes its URL answer 404', write, [409]), { params: IdParams, body: PatchBody, response: { 200: InboundEndpoint } }) }, async (req) =>
      view(await run(req.principal, found(req.principal, req.params.id), { type: 'Update', input: req.body })));

    app.delete('/inbound-endpoints/:id', { schema: contract(op('Delete an inbound endpoint; its path suffix is free again', write, [409]), { params: IdParams, response: { 204: NoContent } }) }, async (req, reply) => {
      await run(req.principal, found(req.principal, req.params.id), { type: 'Delete' });
      return reply.code(204).send(null);
    });

    app.get('/inbound-endpoints/:id/requests', { schema: contract(op('List the requests an inbound endpoint received, verified or refused, newest first', read), { params: IdParams, querystring: ListQuery, response: { 200: InboundRequestPage } }) }, async (req) => {
      const s = found(req.principal, req.params.id);
      const page = await listInboundRequests(ctx.db, req.principal, s.inboundEndpointId, { limit: req.query.limit ?? 20, cursor: req.query.cursor });
      if (!page) throw new DomainError('VALIDATION_ERROR', 'invalid cursor');
      return page;
    });

    app.get('/inbound-endpoints/:id/requests/:requestId', { schema: contract(op('Get one request an inbound endpoint received', read), { params: RequestParams, response: { 200: InboundRequest } }) }, async (req) => {
      const s = found(req.principal, req.params.id);
      const r = isUuid(req.params.requestId) ? await getInboundRequest(ctx.db, req.principal, s.inboundEndpointId, req.params.requestId) : null;
      if (!r) throw new DomainError('NOT_FOUND', 'inbound request not found');
      return r;
    });
  };
}
