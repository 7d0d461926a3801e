import { Type } from 'typebox';
import { DateTime, Nullable } from '../platform/http/contract.ts';
import { Page } from '../platform/http/page.ts';

/** The inbound room's HTTP contract: what its routes accept and answer. */

const Status = Type.Union([Type.Literal('active'), Type.Literal('inactive')]);
const Fields = {
  name: Type.String({ minLength: 1, maxLength: 255 }),
  pathSuffix: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'The receiver URL\'s last segment (/inbound/{pathSuffix}), unique across the deployment; letters, digits, . _ ~ -. Generated when absent' })),
  source: Type.String({ minLength: 1, maxLength: 64, description: 'A preset (GET /api/v1/inbound-presets): how requests are verified' }),
  sourceConfig: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String(), { maxItems: 5 }), Type.Null()]), { description: 'The preset\'s fields (secrets, tokens); a list of values while a secret rotates (any verifies); on a change, keys merge and null removes one' })),
  destinationIds: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 20, description: 'Endpoints of the project each event is sent to; empty: the event fans out by type' })),
  eventTypeMapping: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 255, description: 'JSONPath over {headers, data, query}, e.g. $.headers.X-GitHub-Event or $.data.type' })])),
  description: Type.Optional(Type.String({ maxLength: 1000 })),
  transformation: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 65_536, description: 'JavaScript defining transform(webhook), run in the sandbox before the event is accepted' })])),
  status: Type.Optional(Status),
};
export const CreateBody = Type.Object(Fields);
export const PatchBody = Type.Partial(Type.Object(Fields));
export const IdParams = Type.Object({ id: Type.String() });
export const RequestParams = Type.Object({ id: Type.String(), requestId: Type.String() });
export const ListQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })), cursor: Type.Optional(Type.String({ maxLength: 200 })) });

/** An inbound endpoint as the API shows it (views.ts inboundView): secret fields masked. */
export const InboundEndpoint = Type.Object({
  id: Type.String(), name: Type.String(), pathSuffix: Type.String(),
  url: Type.String({ description: 'The receiver URL to give the provider: MITTR_PUBLIC_URL + /inbound/{pathSuffix}' }),
  source: Type.String(),
  sourceConfig: Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]), { description: 'The preset\'s fields; secret ones masked (****, then their last 4 characters)' }),
  destinationIds: Type.Array(Type.String()), eventTypeMapping: Nullable(Type.String()), description: Type.String(),
  transformation: Nullable(Type.String()), status: Status, version: Type.Integer(), createdAt: DateTime, updatedAt: DateTime,
});
export const InboundEndpointPage = Page(InboundEndpoint);

const Field = Type.Object({ name: Type.String(), description: Type.String(), required: Type.Boolean(), secret: Type.Boolean() });
export const Preset = Type.Object({ source: Type.String(), name: Type.String(), description: Type.String(), mode: Type.String(), fields: Type.Array(Field) });
export const PresetList = Type.Object({ data: Type.Array(Preset), count: Type.Integer() });

/** One request a receiver URL got (projections/inbound-requests/queries.ts requestView). */
export const InboundRequest = Type.Object({
  id: Type.String(), receivedAt: DateTime, method: Type.String(), url: Type.String(), headers: Type.Record(Type.String(), Type.String()),
  body: Nullable(Type.String({ description: 'The body as text, when it is UTF-8' })), bodyBase64: Type.String({ description: 'The body byte for byte' }),
  verified: Type.Boolean(),
  reason: Nullable(Type.String({ description: 'Why it was refused: missing_signature, bad_signature, stale_timestamp, missing_credentials, bad_credentials, misconfigured' })),
  detail: Nullable(Type.String()), deliveryId: Nullable(Type.String()), eventType: Nullable(Type.String()),
  eventId: Nullable(Type.String({ description: 'The event it became' })), duplicate: Type.Boolean({ description: 'A provider retry of a delivery already accepted: no second event' }),
  status: Type.Integer({ description: 'The HTTP status the receiver answered' }),
});
export const InboundRequestPage = Page(InboundRequest);

/** What the receiver answers a provider. */
export const ReceiverParams = Type.Object({ pathSuffix: Type.String({ maxLength: 128 }) });
export const Received = Type.Object({
  received: Type.Boolean(), requestId: Type.String(), eventId: Nullable(Type.String()), duplicate: Type.Boolean(),
});
/** A handshake's answer: what the provider validating the URL expects (a challenge echoed, JSON or text). */
export const Handshake = Type.Unknown({ description: 'The provider\'s expected answer to its URL validation: JSON (Slack, Zoom, Discord) or the challenge as text (Twitch)' });
