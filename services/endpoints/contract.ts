import { Type } from 'typebox';
import { DateTime, Nullable } from '../platform/http/contract.ts';
import { Page } from '../platform/http/page.ts';

/** The endpoints room's HTTP contract: what its routes accept and answer. */

/**
 * A storage sink (deliveryMode storage, services/endpoints/domain/storage.ts). Ranges and formats
 * are the decider's, so that a bad value answers a 400 that names the rule.
 */
const StorageInput = Type.Object({
  bucket: Type.String({ maxLength: 63, description: 'The S3 bucket' }),
  prefix: Type.Optional(Type.String({ maxLength: 512, description: 'Key prefix of every object (default empty)' })),
  region: Type.Optional(Type.String({ maxLength: 64, description: 'Default us-east-1' })),
  endpoint: Type.Optional(Type.Union([Type.String({ maxLength: 2048 }), Type.Null()], { description: 'An S3-compatible server\'s URL (path-style); null for AWS S3. Reached under the deployment\'s outbound policy' })),
  format: Type.Optional(Type.String({ description: 'ndjson (default: one record a line) or json (an array)' })),
  batchSize: Type.Optional(Type.Integer({ description: 'Deliveries per object, 1-10000 (default 100)' })),
  maxWaitMs: Type.Optional(Type.Integer({ description: 'Longest wait for a batch to fill, 0-300000 ms (default 1000)' })),
  credentials: Type.Optional(Type.Object({
    accessKeyId: Type.Optional(Type.String({ maxLength: 256 })), secretAccessKey: Type.Optional(Type.String({ maxLength: 256 })),
  }, { description: 'Required on create; encrypted at rest, never shown again. Left out on a change, the current ones stay' })),
});
const StorageView = Type.Object({
  bucket: Type.String(), prefix: Type.String(), region: Type.String(), endpoint: Nullable(Type.String()), format: Type.String(),
  batchSize: Type.Integer(), maxWaitMs: Type.Integer(),
  credentials: Type.Object({ accessKeyId: Type.String({ description: 'Masked: its last four characters' }), secretAccessKey: Type.String({ description: 'Always ****' }) }),
});

const Fields = {
  // Not for deliveryMode storage: its url is the bucket's (s3://bucket/prefix).
  url: Type.Optional(Type.String({ maxLength: 2048 })),
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
  storageConfig: Type.Optional(Type.Union([StorageInput, Type.Null()])),
  signingSecret: Type.Optional(Type.String({ minLength: 16, maxLength: 256 })),
  mtlsCert: Type.Optional(Type.String({ maxLength: 65_536 })),
  mtlsKey: Type.Optional(Type.String({ maxLength: 65_536 })),
};
export const MtlsBody = Type.Object({ certPem: Type.String({ maxLength: 65_536 }), keyPem: Type.String({ maxLength: 65_536 }) });
export const CreateBody = Type.Object({ ...Fields, subAccountId: Type.Optional(Type.String({ maxLength: 64, description: 'The sub-account the endpoint belongs to: it receives only events sent with that subAccountId. Never changes; absent: the workspace\'s own endpoint' })) });
export const PatchBody = Type.Partial(Type.Object(Fields));
export const IdParams = Type.Object({ id: Type.String() });
// A version is an Avro int and a Postgres int4: 2^31 and above is no version, refused before any query.
export const VersionParams = Type.Object({ id: Type.String(), n: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });
export const ListQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })), cursor: Type.Optional(Type.String({ maxLength: 200 })) });
/** The workspace's list may narrow to one sub-account's endpoints. */
export const WorkspaceListQuery = Type.Object({ ...ListQuery.properties, subAccountId: Type.Optional(Type.String({ format: 'uuid', description: 'Only the endpoints of this sub-account' })) });
export const DiffQuery = Type.Object({ v1: Type.Integer({ minimum: 1 }), v2: Type.Integer({ minimum: 1 }) });

/** A field the plan changed (services/plans/domain/endpoint-rate.ts): rateLimitPerSec above its cap. */
const PlanNotice = Type.Object({
  code: Type.Literal('PLAN_LIMIT_APPLIED'), field: Type.Literal('rateLimitPerSec'),
  requested: Type.Integer(), applied: Type.Integer(), message: Type.String(),
});

/** An endpoint's configuration as the API shows it (projections/endpoints/queries.ts configView). */
export const ConfigView = Type.Object({
  url: Type.String(), eventTypes: Type.Array(Type.String()), description: Type.String(),
  filter: Type.Unknown({ description: 'The filter rules, or null' }), transformation: Nullable(Type.String()),
  fifo: Type.Boolean(), fifoPartitionKey: Nullable(Type.String()), maxRetries: Type.Integer(), retryBackoffMs: Type.Integer(),
  retryBackoffMax: Type.Integer(), retryBackoffMult: Type.Number(), timeoutMs: Type.Integer(), rateLimitPerSec: Type.Integer(),
  circuitThreshold: Type.Integer(), circuitResetMs: Type.Integer(), customHeaders: Type.Record(Type.String(), Type.String()),
  allowedCidrs: Type.Array(Type.String()), blockedCidrs: Type.Array(Type.String()), deliveryMode: Type.String(),
  storageConfig: Nullable(StorageView),
});

const Mtls = Type.Object({
  configured: Type.Boolean(),
  certificate: Type.Optional(Nullable(Type.Object({ subject: Type.String(), fingerprint256: Type.String(), validTo: DateTime }))),
});

/** An endpoint (endpointView): its configuration, its state, never its secrets (GET /endpoints/{id}/secret). */
export const Endpoint = Type.Object({
  id: Type.String(), subAccountId: Nullable(Type.String({ description: 'The sub-account it belongs to, or null: the workspace\'s own' })), ...ConfigView.properties,
  status: Type.Union([Type.Literal('active'), Type.Literal('paused')]), paused: Type.Boolean(), version: Type.Integer(),
  circuitState: Type.Union([Type.Literal('closed'), Type.Literal('open'), Type.Literal('half_open')]), circuitOpenUntil: Nullable(DateTime),
  mtls: Mtls, createdAt: DateTime, updatedAt: DateTime,
  signingSecret: Type.Optional(Type.String({ description: 'Only when the endpoint is created: the secret that signs its deliveries' })),
  signingSecretSource: Type.Optional(Type.Union([Type.Literal('endpoint'), Type.Literal('global')])),
  notices: Type.Optional(Type.Array(PlanNotice, { description: 'On a create, change or rollback: what the account\'s plan changed of the configuration asked for' })),
});
export const EndpointPage = Page(Endpoint);

/** The secret that signs an endpoint's deliveries: its own, or the workspace's global one. */
export const Secrets = Type.Object({
  signingSecretSource: Type.Union([Type.Literal('endpoint'), Type.Literal('global')]),
  signingSecret: Type.String(),
  previousSecret: Type.Optional(Type.String()),
  previousSecretExpiresAt: Type.Optional(DateTime),
});

/** One entry of an endpoint's history (endpointVersions). */
export const Version = Type.Object({
  version: Type.Integer(), change: Type.String(), config: ConfigView, paused: Type.Boolean(),
  rolledBackTo: Nullable(Type.Integer()), createdAt: DateTime,
});
export const VersionPage = Page(Version);
export const VersionDiff = Type.Object({
  v1: Type.Integer(), v2: Type.Integer(),
  changes: Type.Array(Type.Object({ field: Type.String(), from: Type.Unknown(), to: Type.Unknown() })),
});

/**
 * Trying a filter and a transformation on a sample event (POST /endpoints/try and
 * /endpoints/{id}/try). A field left out is the saved endpoint's (with an id) or none; null
 * clears it for the trial.
 */
export const TrialBody = Type.Object({
  event: Type.Object({
    type: Type.Optional(Nullable(Type.String({ maxLength: 255, description: 'The event type (null or absent: an untyped event, which no endpoint is subscribed to)' }))),
    payload: Type.Unknown({ description: 'The payload, any JSON value' }),
    headers: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: 4096 }), { description: 'The event\'s headers, as POST /events takes them' })),
    id: Type.Optional(Type.String({ maxLength: 255, description: 'What $.id reads (default evt_sample)' })),
  }),
  filter: Fields.filter,
  transformation: Fields.transformation,
  url: Type.Optional(Type.String({ maxLength: 2048, description: 'The url the transformation sees (default: the saved endpoint\'s, or https://receiver.example/webhooks)' })),
  customHeaders: Fields.customHeaders,
  eventTypes: Type.Optional(Fields.eventTypes),
});

const TrialRule = Type.Object({ index: Type.Integer(), field: Type.String(), operator: Type.String(), matched: Type.Boolean() });
const Transformed = Type.Object({
  outcome: Type.Literal('transformed'), eventType: Nullable(Type.String()), payload: Type.Unknown(),
  headers: Type.Record(Type.String(), Type.String()), url: Type.String(),
});
const TransformFailed = Type.Object({
  outcome: Type.Literal('error'), code: Type.Literal('TRANSFORM_ERROR'),
  error: Type.String({ description: 'What a delivery\'s attempt would record: the exception and its line, a CPU time or memory limit, or an output that is not a webhook' }),
});
export const TrialResult = Type.Object({
  delivered: Type.Boolean({ description: 'Whether the event would be delivered: subscribed (when known), admitted by the filter, not cancelled nor failed by the transformation' }),
  subscribed: Nullable(Type.Boolean({ description: 'Whether eventTypes takes the event\'s type; null when there are none to check (a draft without eventTypes)' })),
  filter: Type.Object({
    matched: Type.Boolean(),
    decidedBy: Nullable(Type.Integer({ description: 'The index of the first rule that refused the event (where the router stops); null when it matched' })),
    rules: Type.Array(TrialRule, { description: 'Every rule\'s own verdict, in order; empty without a filter' }),
  }),
  transformation: Type.Union([
    Type.Object({ outcome: Type.Literal('none') }), Transformed, Type.Object({ outcome: Type.Literal('cancelled') }), TransformFailed,
  ], { description: 'none: no transformation; transformed: what would be sent; cancelled: it returned null or set cancel; error: it threw, timed out, ran out of memory or returned something else' }),
  durationMs: Type.Number({ description: 'Time the transformation took, queueing included' }),
});
