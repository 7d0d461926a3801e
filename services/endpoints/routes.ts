import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { z } from 'zod';
import { endpointVersionConfig, endpointVersions, endpointView, getEndpoint, listEndpoints } from '../../projections/endpoints/queries.ts';
import { assertPemPair, diffConfigs, type EndpointInput } from './domain/config.ts';
import { DomainError } from '../platform/domain/errors.ts';
import type { Principal } from '../platform/http/principal.ts';
import { newSigningSecret } from '../platform/security/secrets.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { readYourWrites } from '../platform/http/read-your-writes.ts';
import { contract, NoContent, type Operation } from '../platform/http/contract.ts';
import { endpointCommands } from './commands.ts';
import { activeSubAccount } from '../sub-accounts/lookup.ts';
import { CreateBody, DiffQuery, Endpoint, EndpointPage, IdParams, WorkspaceListQuery, MtlsBody, PatchBody, Secrets, Version, VersionDiff, VersionPage, VersionParams } from './contract.ts';

const read: Operation['access'] = { scope: 'endpoints:read', role: 'viewer' };
const write: Operation['access'] = { scope: 'endpoints:write', role: 'editor' };
/** Signing secrets sign what receivers trust: reading or rotating one is an admin's. */
const secret: Operation['access'] = { scope: 'endpoints:write', role: 'admin' };
const op = (summary: string, access: Operation['access'], errors?: number[]): Operation => ({ tag: 'Endpoints', summary, access, errors });

const isUuid = (id: string) => z.uuid().safeParse(id).success;

/** Endpoints: an event-sourced aggregate; every change is a version on the endpoints topic. */
export function endpointRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const { found, run, runWithNotices, mtlsCommand, accountOf, secretsOf, sealInput } = endpointCommands(ctx);

  async function versionsOf(p: Principal, id: string, n?: number) {
    found(p, id);
    return (await readYourWrites(ctx, id, () => endpointVersions(ctx.db, id, n))) ?? [];
  }

  return async (app) => {
    app.post('/endpoints', { schema: contract(op('Create an endpoint', write, [409]), { body: CreateBody, response: { 201: Endpoint } }) }, async (req, reply) => {
      const { signingSecret, mtlsCert, mtlsKey, subAccountId, ...input } = req.body;
      if ((mtlsCert === undefined) !== (mtlsKey === undefined)) throw new DomainError('VALIDATION_ERROR', 'mtlsCert and mtlsKey go together');
      if (mtlsCert !== undefined) assertPemPair(mtlsCert, mtlsKey!);
      // Without a secret of its own, the workspace's global secret signs it (it overrides).
      const created = await runWithNotices(undefined, {
        type: 'Create', endpointId: randomUUID(), ...req.principal, input: sealInput(input as EndpointInput),
        signingSecretEnc: signingSecret === undefined ? '' : ctx.secrets.seal(signingSecret),
        subAccountId: activeSubAccount(ctx, req.principal, subAccountId),
      });
      let state = created.state;
      if (mtlsCert !== undefined) state = await run(state, mtlsCommand(mtlsCert, mtlsKey!));
      const { signingSecret: applies, signingSecretSource } = secretsOf(req.principal, state!);
      return reply.code(201).send({ ...endpointView(state!), signingSecret: applies, signingSecretSource, notices: created.notices });
    });

    app.get('/endpoints', { schema: contract(op('List endpoints, newest first', read), { querystring: WorkspaceListQuery, response: { 200: EndpointPage } }) }, async (req) => {
      const { subAccountId } = req.query;
      const page = await listEndpoints(ctx.db, subAccountId ? { ...req.principal, subAccountId } : req.principal, { limit: req.query.limit ?? 20, cursor: req.query.cursor });
      if (!page) throw new DomainError('VALIDATION_ERROR', 'invalid cursor');
      return page;
    });

    app.get('/endpoints/:id', { schema: contract(op('Get an endpoint', read), { params: IdParams, response: { 200: Endpoint } }) }, async (req) => {
      const id = req.params.id;
      const s = isUuid(id) ? await readYourWrites(ctx, id, () => getEndpoint(ctx.db, req.principal, id)) : null;
      if (!s) throw new DomainError('NOT_FOUND', 'endpoint not found');
      return endpointView(s);
    });

    app.patch('/endpoints/:id', { schema: contract(op('Change an endpoint (a new version)', write, [409]), { params: IdParams, body: PatchBody, response: { 200: Endpoint } }) }, async (req) => {
      const { signingSecret, mtlsCert, mtlsKey, ...input } = req.body;
      if (signingSecret !== undefined) throw new DomainError('VALIDATION_ERROR', 'change the signing secret with POST /endpoints/{id}/secret/rotate');
      if (mtlsCert !== undefined || mtlsKey !== undefined) throw new DomainError('VALIDATION_ERROR', 'set the client certificate with POST /endpoints/{id}/mtls');
      const { state, notices } = await runWithNotices(found(req.principal, req.params.id), { type: 'Update', input: sealInput(input as EndpointInput) });
      return { ...endpointView(state!), notices };
    });

    app.delete('/endpoints/:id', { schema: contract(op('Delete an endpoint', write, [409]), { params: IdParams, response: { 204: NoContent } }) }, async (req, reply) => {
      await run(found(req.principal, req.params.id), { type: 'Delete' });
      return reply.code(204).send(null);
    });

    app.post('/endpoints/:id/pause', { schema: contract(op('Pause deliveries to an endpoint', write, [409]), { params: IdParams, response: { 200: Endpoint } }) }, async (req) =>
      endpointView((await run(found(req.principal, req.params.id), { type: 'Pause' }))!));
    app.post('/endpoints/:id/resume', { schema: contract(op('Resume deliveries to an endpoint', write, [409]), { params: IdParams, response: { 200: Endpoint } }) }, async (req) =>
      endpointView((await run(found(req.principal, req.params.id), { type: 'Resume' }))!));

    app.post('/endpoints/:id/mtls', { schema: contract(op('Set the client certificate deliveries present (mTLS)', secret, [409]), { params: IdParams, body: MtlsBody, response: { 200: Endpoint } }) }, async (req) =>
      endpointView((await run(found(req.principal, req.params.id), mtlsCommand(req.body.certPem, req.body.keyPem)))!));
    app.delete('/endpoints/:id/mtls', { schema: contract(op('Remove the client certificate', secret, [409]), { params: IdParams, response: { 204: NoContent } }) }, async (req, reply) => {
      await run(found(req.principal, req.params.id), { type: 'RemoveMtls' });
      return reply.code(204).send(null);
    });

    app.get('/endpoints/:id/secret', { schema: contract(op('Get the signing secret that signs deliveries to an endpoint', secret), { params: IdParams, response: { 200: Secrets } }) }, async (req) => secretsOf(req.principal, found(req.principal, req.params.id)));
    app.post('/endpoints/:id/secret/rotate', { schema: contract(op('Rotate the endpoint\'s signing secret (the old one signs too for 24 h)', secret, [409]), { params: IdParams, response: { 200: Secrets } }) }, async (req) => {
      const s = await run(found(req.principal, req.params.id), {
        type: 'RotateSecret', signingSecretEnc: ctx.secrets.seal(newSigningSecret()), globalSecretEnc: accountOf(req.principal).signingSecretEnc,
      });
      return secretsOf(req.principal, s!);
    });

    // The whole history, in one page: a list answers {data, pagination} like every other.
    app.get('/endpoints/:id/versions', { schema: contract(op('List every version of an endpoint', read), { params: IdParams, response: { 200: VersionPage } }) }, async (req) =>
      ({ data: await versionsOf(req.principal, req.params.id), pagination: { hasMore: false, cursor: null } }));
    app.get('/endpoints/:id/versions/diff', { schema: contract(op('Compare two versions of an endpoint', read), { params: IdParams, querystring: DiffQuery, response: { 200: VersionDiff } }) }, async (req) => {
      const all = await versionsOf(req.principal, req.params.id);
      const a = all.find((v) => v.version === req.query.v1);
      const b = all.find((v) => v.version === req.query.v2);
      if (!a || !b) throw new DomainError('NOT_FOUND', 'version not found');
      return { v1: a.version, v2: b.version, changes: diffConfigs(a.config as never, b.config as never) };
    });
    app.get('/endpoints/:id/versions/:n', { schema: contract(op('Get one version of an endpoint', read), { params: VersionParams, response: { 200: Version } }) }, async (req) => {
      const [v] = await versionsOf(req.principal, req.params.id, req.params.n);
      if (!v) throw new DomainError('NOT_FOUND', 'version not found');
      return v;
    });
    app.post('/endpoints/:id/versions/:n/rollback', { schema: contract(op('Roll an endpoint back to a version (a new version with its configuration)', write, [409]), { params: VersionParams, response: { 200: Endpoint } }) }, async (req) => {
      const s = found(req.principal, req.params.id);
      // The stored configuration, not the view: the view's storage credentials are masked.
      const config = (await readYourWrites(ctx, s.endpointId, () => endpointVersionConfig(ctx.db, s.endpointId, req.params.n))) ?? undefined;
      const { state, notices } = await runWithNotices(s, { type: 'Rollback', toVersion: req.params.n, config });
      return { ...endpointView(state!), notices };
    });
  };
}
