import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { z } from 'zod';
import { connectorView, getConnector, getConnectorByName, listConnectors } from '../../projections/connectors/queries.ts';
import { AgentPool } from '../deliveries/sender.ts';
import { DomainError } from '../platform/domain/errors.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { readYourWrites } from '../platform/http/read-your-writes.ts';
import { contract, NoContent, type Operation } from '../platform/http/contract.ts';
import { connectorCommands } from './commands.ts';
import { CATALOG, CONNECTOR_TYPES, DEFAULT_TEMPLATES } from './domain/catalog.ts';
import { normalizeInput } from './domain/definition.ts';
import { Connector, ConnectorPage, ConnectorTypes, CreateBody, ListQuery, NameOrIdParams, TestResult, UpdateBody } from './contract.ts';
import { testConnector } from './test-call.ts';

const reads: Operation['access'] = { scope: 'connectors:read', role: 'viewer' };
const writes: Operation['access'] = { scope: 'connectors:write', role: 'editor' };
const op = (summary: string, access: Operation['access'], errors?: number[]): Operation => ({ tag: 'Connectors', summary, access, errors });
const isUuid = (id: string) => z.uuid().safeParse(id).success;

const TYPES = {
  data: CONNECTOR_TYPES.map((type) => {
    const field = (f: (typeof CATALOG)[typeof type]['required'][number]) => ({ name: f.name, kind: f.kind, secret: f.secret ?? false, ...(f.values ? { values: [...f.values] } : {}), description: f.description });
    const { description, delivery, required, optional } = CATALOG[type];
    return { type, description, delivery, required: required.map(field), optional: optional.map(field), defaultTemplate: { ...DEFAULT_TEMPLATES[type] } as Record<string, string> };
  }),
};

/**
 * Connectors: an event-sourced aggregate on the connectors topic, addressed by name (unique per
 * project) or by id. Credentials are sealed before they reach the log and masked on every read.
 */
export function connectorRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const { found, run, createCommand } = connectorCommands(ctx);
  const agents = new AgentPool({ allowPrivateNetworks: ctx.config.allowPrivateNetworks, operatorCidrs: ctx.config.allowedCidrs },
    ctx.config.tlsCaFile ? readFileSync(ctx.config.tlsCaFile, 'utf8') : undefined);
  const policy = { allowPrivateNetworks: ctx.config.allowPrivateNetworks, operatorCidrs: ctx.config.allowedCidrs, allowedCidrs: [], blockedCidrs: [] };
  const open = (sealed: string) => ctx.secrets.open(sealed);

  return async (app) => {
    app.addHook('onClose', async () => agents.close());

    app.get('/connectors/types', { schema: contract(op('The connector types, each with its required and optional config fields', reads), { response: { 200: ConnectorTypes } }) }, async () => TYPES);

    app.post('/connectors', { schema: contract(op('Create a connector: a native message on Slack, Discord, Teams, e-mail or a URL for the events it receives', writes, [402, 409]), { body: CreateBody, response: { 201: Connector } }) }, async (req, reply) => {
      const state = await run(undefined, createCommand(req.principal, randomUUID(), normalizeInput(req.body)));
      return reply.code(201).send(connectorView(state));
    });

    app.get('/connectors', { schema: contract(op('List connectors', reads), { querystring: ListQuery, response: { 200: ConnectorPage } }) }, async (req) => {
      const page = await listConnectors(ctx.db, req.principal, { limit: req.query.limit ?? 20, cursor: req.query.cursor });
      if (!page) throw new DomainError('VALIDATION_ERROR', 'invalid cursor');
      return page;
    });

    app.get('/connectors/:nameOrId', { schema: contract(op('Get a connector by name or id (secrets masked)', reads), { params: NameOrIdParams, response: { 200: Connector } }) }, async (req) => {
      const key = req.params.nameOrId;
      const known = isUuid(key) ? ctx.store.state.connectors.get(key) : ctx.store.state.connectors.byName(req.principal.projectId, key);
      const query = () => (isUuid(key) ? getConnector(ctx.db, req.principal, key) : getConnectorByName(ctx.db, req.principal, key));
      const s = known ? await readYourWrites(ctx, known.connectorId, query) : await query();
      if (!s) throw new DomainError('NOT_FOUND', 'connector not found');
      return connectorView(s);
    });

    app.put('/connectors/:nameOrId', { schema: contract(op('Change a connector: config and template fields given are merged over the stored ones', writes, [409]), { params: NameOrIdParams, body: UpdateBody, response: { 200: Connector } }) }, async (req) =>
      connectorView(await run(found(req.principal, req.params.nameOrId), { type: 'Update', input: normalizeInput(req.body) })));

    app.delete('/connectors/:nameOrId', { schema: contract(op('Delete a connector', writes, [409]), { params: NameOrIdParams, response: { 204: NoContent } }) }, async (req, reply) => {
      await run(found(req.principal, req.params.nameOrId), { type: 'Delete' });
      return reply.code(204).send(null);
    });

    app.post('/connectors/:nameOrId/test', { schema: contract(op('Send a test notification now and answer what the target said', writes), { params: NameOrIdParams, response: { 200: TestResult } }) }, async (req) =>
      testConnector(found(req.principal, req.params.nameOrId), { open, agents, policy }));
  };
}
