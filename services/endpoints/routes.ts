import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { z } from 'zod';
import { endpointVersions, endpointView, getEndpoint, listEndpoints } from '../../projections/endpoints/queries.ts';
import { assertPemPair, diffConfigs, type EndpointInput } from './domain/config.ts';
import type { EndpointConfig } from './domain/messages.ts';
import { DomainError } from '../platform/domain/errors.ts';
import type { Principal } from '../platform/http/principal.ts';
import { newSigningSecret } from '../platform/security/secrets.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { Page } from '../platform/http/page.ts';
import { readYourWrites } from '../platform/http/read-your-writes.ts';
import { endpointCommands } from './commands.ts';

const Fields = {
  url: Type.String({ maxLength: 2048 }),
  eventTypes: Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 100 }),
  description: Type.Optional(Type.String({ maxLength: 1000 })),
  // Non-null branch first: with type coercion on, ajv would otherwise coerce the value in the null branch.
  filter: Type.Optional(Type.Union([Type.Array(Type.Unknown(), { maxItems: 50 }), Type.Null()])),
  transformation: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 65_536 })])),
  fifo: Type.Optional(Type.Boolean()),
  fifoPartitionKey: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 255 })])),
  maxRetries: Type.Optional(Type.Integer()),
  retryBackoffMs: Type.Optional(Type.Integer()),
  retryBackoffMax: Type.Optional(Type.Integer()),
  retryBackoffMult: Type.Optional(Type.Number()),
  timeoutMs: Type.Optional(Type.Integer()),
  rateLimitPerSec: Type.Optional(Type.Integer()),
  circuitThreshold: Type.Optional(Type.Integer()),
  circuitResetMs: Type.Optional(Type.Integer()),
  customHeaders: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: 4096 }))),
  allowedCidrs: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100 })),
  blockedCidrs: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100 })),
  deliveryMode: Type.Optional(Type.String()),
  storageConfig: Type.Optional(Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()])),
  signingSecret: Type.Optional(Type.String({ minLength: 16, maxLength: 256 })),
  mtlsCert: Type.Optional(Type.String({ maxLength: 65_536 })),
  mtlsKey: Type.Optional(Type.String({ maxLength: 65_536 })),
};
const MtlsBody = Type.Object({ certPem: Type.String({ maxLength: 65_536 }), keyPem: Type.String({ maxLength: 65_536 }) });
const CreateBody = Type.Object(Fields);
const PatchBody = Type.Partial(Type.Object(Fields));
const IdParams = Type.Object({ id: Type.String() });
// A version is an Avro int and a Postgres int4: 2^31 and above is no version, refused before any query.
const VersionParams = Type.Object({ id: Type.String(), n: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });
const ListQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })), cursor: Type.Optional(Type.String({ maxLength: 200 })) });
const DiffQuery = Type.Object({ v1: Type.Integer({ minimum: 1 }), v2: Type.Integer({ minimum: 1 }) });
/** One entry of an endpoint's history (endpointVersions). */
const Version = Type.Object({
  version: Type.Integer(), change: Type.String(), config: Type.Unknown(), paused: Type.Boolean(),
  rolledBackTo: Type.Union([Type.Integer(), Type.Null()]), createdAt: Type.String({ format: 'date-time' }),
});
const isUuid = (id: string) => z.uuid().safeParse(id).success;

/** Endpoints: an event-sourced aggregate; every change is a version on the endpoints topic. */
export function endpointRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const { found, run, mtlsCommand, accountOf, secretsOf } = endpointCommands(ctx);

  async function versionsOf(p: Principal, id: string, n?: number) {
    found(p, id);
    return (await readYourWrites(ctx, id, () => endpointVersions(ctx.db, id, n))) ?? [];
  }

  return async (app) => {
    app.post('/endpoints', { schema: { body: CreateBody } }, async (req, reply) => {
      const { signingSecret, mtlsCert, mtlsKey, ...input } = req.body;
      if ((mtlsCert === undefined) !== (mtlsKey === undefined)) throw new DomainError('VALIDATION_ERROR', 'mtlsCert and mtlsKey go together');
      if (mtlsCert !== undefined) assertPemPair(mtlsCert, mtlsKey!);
      // Without a secret of its own, the workspace's global secret signs it (it overrides).
      let state = await run(undefined, {
        type: 'Create', endpointId: randomUUID(), ...req.principal, input: input as EndpointInput,
        signingSecretEnc: signingSecret === undefined ? '' : ctx.secrets.seal(signingSecret),
      });
      if (mtlsCert !== undefined) state = await run(state, mtlsCommand(mtlsCert, mtlsKey!));
      const { signingSecret: applies, signingSecretSource } = secretsOf(req.principal, state!);
      return reply.code(201).send({ ...endpointView(state!), signingSecret: applies, signingSecretSource });
    });

    app.get('/endpoints', { schema: { querystring: ListQuery } }, async (req) => {
      const page = await listEndpoints(ctx.db, req.principal, { limit: req.query.limit ?? 20, cursor: req.query.cursor });
      if (!page) throw new DomainError('VALIDATION_ERROR', 'invalid cursor');
      return page;
    });

    app.get('/endpoints/:id', { schema: { params: IdParams } }, async (req) => {
      const id = req.params.id;
      const s = isUuid(id) ? await readYourWrites(ctx, id, () => getEndpoint(ctx.db, req.principal, id)) : null;
      if (!s) throw new DomainError('NOT_FOUND', 'endpoint not found');
      return endpointView(s);
    });

    app.patch('/endpoints/:id', { schema: { params: IdParams, body: PatchBody } }, async (req) => {
      const { signingSecret, mtlsCert, mtlsKey, ...input } = req.body;
      if (signingSecret !== undefined) throw new DomainError('VALIDATION_ERROR', 'change the signing secret with POST /endpoints/{id}/secret/rotate');
      if (mtlsCert !== undefined || mtlsKey !== undefined) throw new DomainError('VALIDATION_ERROR', 'set the client certificate with POST /endpoints/{id}/mtls');
      return endpointView((await run(found(req.principal, req.params.id), { type: 'Update', input: input as EndpointInput }))!);
    });

    app.delete('/endpoints/:id', { schema: { params: IdParams } }, async (req, reply) => {
      await run(found(req.principal, req.params.id), { type: 'Delete' });
      return reply.code(204).send();
    });

    app.post('/endpoints/:id/pause', { schema: { params: IdParams } }, async (req) =>
      endpointView((await run(found(req.principal, req.params.id), { type: 'Pause' }))!));
    app.post('/endpoints/:id/resume', { schema: { params: IdParams } }, async (req) =>
      endpointView((await run(found(req.principal, req.params.id), { type: 'Resume' }))!));

    app.post('/endpoints/:id/mtls', { schema: { params: IdParams, body: MtlsBody } }, async (req) =>
      endpointView((await run(found(req.principal, req.params.id), mtlsCommand(req.body.certPem, req.body.keyPem)))!));
    app.delete('/endpoints/:id/mtls', { schema: { params: IdParams } }, async (req, reply) => {
      await run(found(req.principal, req.params.id), { type: 'RemoveMtls' });
      return reply.code(204).send();
    });

    app.get('/endpoints/:id/secret', { schema: { params: IdParams } }, async (req) => secretsOf(req.principal, found(req.principal, req.params.id)));
    app.post('/endpoints/:id/secret/rotate', { schema: { params: IdParams } }, async (req) => {
      const s = await run(found(req.principal, req.params.id), {
        type: 'RotateSecret', signingSecretEnc: ctx.secrets.seal(newSigningSecret()), globalSecretEnc: accountOf(req.principal).signingSecretEnc,
      });
      return secretsOf(req.principal, s!);
    });

    // The whole history, in one page: a list answers {data, pagination} like every other.
    app.get('/endpoints/:id/versions', { schema: { params: IdParams, response: { 200: Page(Version) } } }, async (req) =>
      ({ data: await versionsOf(req.principal, req.params.id), pagination: { hasMore: false, cursor: null } }));
    app.get('/endpoints/:id/versions/diff', { schema: { params: IdParams, querystring: DiffQuery } }, async (req) => {
      const all = await versionsOf(req.principal, req.params.id);
      const a = all.find((v) => v.version === req.query.v1);
      const b = all.find((v) => v.version === req.query.v2);
      if (!a || !b) throw new DomainError('NOT_FOUND', 'version not found');
      return { v1: a.version, v2: b.version, changes: diffConfigs(a.config as never, b.config as never) };
    });
    app.get('/endpoints/:id/versions/:n', { schema: { params: VersionParams } }, async (req) => {
      const [v] = await versionsOf(req.principal, req.params.id, req.params.n);
      if (!v) throw new DomainError('NOT_FOUND', 'version not found');
      return v;
    });
    app.post('/endpoints/:id/versions/:n/rollback', { schema: { params: VersionParams } }, async (req) => {
      const s = found(req.principal, req.params.id);
      const [v] = await versionsOf(req.principal, s.endpointId, req.params.n);
      const config = v ? configFromView(v.config) : undefined;
      return endpointView((await run(s, { type: 'Rollback', toVersion: req.params.n, config }))!);
    });
  };
}

/** Back from the API's view of a configuration to the stored one. */
function configFromView(v: Record<string, unknown>): EndpointConfig {
  return {
    ...(v as unknown as EndpointConfig),
    filter: v.filter === null || v.filter === undefined ? null : JSON.stringify(v.filter),
    storageConfig: v.storageConfig === null || v.storageConfig === undefined ? null : JSON.stringify(v.storageConfig),
  };
}
