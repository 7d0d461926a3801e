import { Type } from 'typebox';
import { Nullable } from '../platform/http/contract.ts';
import { Page } from '../platform/http/page.ts';

/** The event types room's HTTP contract: what its routes accept and answer. */

const JsonObject = Type.Record(Type.String(), Type.Unknown());
const Fields = {
  name: Type.String({ minLength: 1, maxLength: 255 }),
  description: Type.Optional(Type.String({ maxLength: 1000 })),
  schema: Type.Optional(Type.Union([Type.Null(), JsonObject])),
  schemaVersion: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 50 })])),
  examplePayload: Type.Optional(Type.Union([Type.Null(), JsonObject])),
  deprecated: Type.Optional(Type.Boolean()),
};
export const CreateBody = Type.Object(Fields);
export const UpdateBody = Type.Partial(Type.Object(Fields));
export const IdParams = Type.Object({ id: Type.String() });
export const NameParams = Type.Object({ name: Type.String({ maxLength: 255 }) });
export const ListQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })), cursor: Type.Optional(Type.String({ maxLength: 200 })) });

/** An event type as the API shows it (projections/event-types/queries.ts eventTypeView). */
export const EventType = Type.Object({
  id: Type.String(), name: Type.String(), description: Type.String(),
  schema: Type.Unknown({ description: 'The JSON Schema payloads are checked against, or null' }), schemaVersion: Nullable(Type.String()),
  examplePayload: Type.Unknown({ description: 'An example payload, or null' }), deprecated: Type.Boolean(), version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }), updatedAt: Type.String({ format: 'date-time' }),
});
export const EventTypePage = Page(EventType);
