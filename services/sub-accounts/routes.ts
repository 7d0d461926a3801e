import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { getSubAccount, listSubAccounts, subAccountView } from '../../projections/sub-accounts/queries.ts';
import { DomainError } from '../platform/domain/errors.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { readYourWrites } from '../platform/http/read-your-writes.ts';
import { contract, NoContent, type Operation } from '../platform/http/contract.ts';
import { subAccountCommands } from './commands.ts';
import { isUuid } from './lookup.ts';
import { CreateBody, IdParams, ListQuery, PatchBody, SubAccount, SubAccountPage } from './contract.ts';

const reads: Operation['access'] = { scope: 'sub-accounts:read', role: 'viewer' };
const writes: Operation['access'] = { scope: 'sub-accounts:write', role: 'editor' };
const op = (summary: string, access: Operation['access'], errors?: number[], description?: string): Operation => ({ tag: 'Sub-accounts', summary, access, errors, description });

/** /api/v1/sub-accounts: an event-sourced aggregate on the sub-accounts topic; subID unique per project through a reservation. */
export function subAccountRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const { known, run } = subAccountCommands(ctx);

  return async (app) => {
    app.post('/sub-accounts', { schema: contract(op('Create a sub-account', writes, [409]), { body: CreateBody, response: { 201: SubAccount } }) }, async (req, reply) => {
      const state = await run(undefined, { type: 'Create', subAccountId: randomUUID(), ...req.principal, input: req.body });
      return reply.code(201).send(subAccountView(state));
    });

    app.get('/sub-accounts', { schema: contract(op('List the active sub-accounts, newest first', reads), { querystring: ListQuery, response: { 200: SubAccountPage } }) }, async (req) => {
      const page = await listSubAccounts(ctx.db, req.principal, { limit: req.query.limit ?? 20, cursor: req.query.cursor });
      if (!page) throw new DomainError('VALIDATION_ERROR', 'invalid cursor');
      return page;
    });

    app.get('/sub-accounts/:id', { schema: contract(op('Get a sub-account (a deactivated one too)', reads), { params: IdParams, response: { 200: SubAccount } }) }, async (req) => {
      // From the read model (read-your-writes), not this process's memory: another API process's create is found too.
      const id = req.params.id;
      const row = isUuid(id) ? await readYourWrites(ctx, id, () => getSubAccount(ctx.db, req.principal, id)) : null;
      if (!row) throw new DomainError('NOT_FOUND', 'sub-account not found');
      return subAccountView(row);
    });

    app.patch('/sub-accounts/:id', { schema: contract(op('Change a sub-account (a new version)', writes, [409]), { params: IdParams, body: PatchBody, response: { 200: SubAccount } }) }, async (req) =>
      subAccountView(await run(known(req.principal, req.params.id), { type: 'Update', input: req.body })));

    app.delete('/sub-accounts/:id', { schema: contract(op('Deactivate a sub-account', writes, [409],
      'A soft delete: from now on events (POST /events with its subAccountId), endpoints and portal sessions for it are refused with 409 INVALID_STATE, and its portal sessions are revoked. '
      + 'Its events, deliveries and endpoints stay readable; GET /sub-accounts/{id} shows it with status deactivated.'), { params: IdParams, response: { 204: NoContent } }) }, async (req, reply) => {
      await run(known(req.principal, req.params.id), { type: 'Deactivate' });
      return reply.code(204).send(null);
    });
  };
}
