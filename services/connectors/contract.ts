import { Type } from 'typebox';
import { DateTime, Nullable } from '../platform/http/contract.ts';
import { Page } from '../platform/http/page.ts';
import { FILTER_OPERATORS } from '../endpoints/domain/filter.ts';
import { CONNECTOR_TYPES, TEMPLATE_FIELDS } from './domain/catalog.ts';
import { SEVERITIES } from './domain/definition.ts';

/** The connectors room's HTTP contract. Both spellings the documents use are accepted (normalizeInput). */

/** One of `values`, typed as their union (a Union of mapped Literals loses the type). */
const OneOf = <T extends string>(values: readonly T[], description?: string) => Type.Unsafe<T>(Type.String({ enum: [...values], ...(description ? { description } : {}) }));
const TypeName = OneOf(CONNECTOR_TYPES);
const Template = Type.Object(Object.fromEntries(TEMPLATE_FIELDS.map((f) => [f, Type.Optional(Nullable(Type.String({ maxLength: 16_384 })))])),
  { description: 'Go templates ({{.event_type}}, {{.payload.x}}, {{.message}}, top-level payload fields); each field left out keeps the type\'s default' });
const Rule = Type.Object({ field: Type.String(), operator: OneOf(FILTER_OPERATORS), value: Type.Optional(Type.Unknown()) });
const Severity = OneOf(SEVERITIES);
const Names = (description: string) => Type.Array(Type.String({ maxLength: 255 }), { maxItems: 100, description });

const Fields = {
  name: Type.String({ minLength: 1, maxLength: 255, description: 'Unique in the project; the connector is addressed by it or by its id' }),
  type: TypeName,
  connector_type: Type.Optional(TypeName),
  description: Type.Optional(Type.String({ maxLength: 1000 })),
  config: Type.Record(Type.String(), Type.Unknown(), { description: 'The type\'s fields (GET /connectors/types); snake_case keys are read as camelCase' }),
  webhook_url: Type.Optional(Type.String({ description: 'Same as config.webhookUrl' })),
  template: Type.Optional(Nullable(Template)),
  eventTypes: Type.Optional(Names('Event types it receives (payment.*, *); none: alerts only')),
  events: Type.Optional(Names('Same as eventTypes')),
  filter: Type.Optional(Nullable(Type.Array(Rule, { maxItems: 50, description: 'Content filter: the endpoint filter operators, over $.data, $.headers, $.eventType' }))),
  categories: Type.Optional(Names('Categories it receives (the payload\'s category or categories); none: any')),
  filters: Type.Optional(Type.Object({ categories: Type.Optional(Names('Same as categories')), rules: Type.Optional(Type.Array(Rule, { maxItems: 50 })) })),
  severity_filter: Type.Optional(Type.Array(Severity, { description: 'Alert severities forwarded; default high, critical; empty: all' })),
  alert_type_filter: Type.Optional(Nullable(Type.Array(Type.String({ maxLength: 255 }), { description: 'Alert types forwarded; null: all' }))),
  is_active: Type.Optional(Type.Boolean()),
};
export const CreateBody = Type.Object({ ...Fields, type: Type.Optional(TypeName), config: Type.Optional(Fields.config) });
export const UpdateBody = Type.Partial(Type.Object(Fields));
export const NameOrIdParams = Type.Object({ nameOrId: Type.String({ maxLength: 255 }) });
export const ListQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })), cursor: Type.Optional(Type.String({ maxLength: 200 })) });

/** A connector as the API shows it (projections/connectors/queries.ts connectorView): secrets masked. */
export const Connector = Type.Object({
  id: Type.String(), name: Type.String(), type: TypeName, description: Type.String(),
  config: Type.Record(Type.String(), Type.Unknown(), { description: 'Secret fields masked (https://hooks.slack.com/****)' }),
  template: Type.Unknown({ description: 'The connector\'s own templates, or null: the type\'s defaults' }),
  eventTypes: Type.Array(Type.String()), filter: Type.Unknown({ description: 'Filter rules, or null' }), categories: Type.Array(Type.String()),
  severity_filter: Type.Array(Type.String()), alert_type_filter: Nullable(Type.Array(Type.String())), is_active: Type.Boolean(),
  circuit: Type.Object({
    state: Type.Union([Type.Literal('closed'), Type.Literal('open'), Type.Literal('half_open')]), consecutiveFailures: Type.Integer(),
    openUntil: Nullable(DateTime), changedAt: Nullable(DateTime),
  }, { description: 'The delivery engine\'s circuit breaker of this connector, as last recorded' }),
  version: Type.Integer(), createdAt: DateTime, updatedAt: DateTime,
});
export const ConnectorPage = Page(Connector);

const Field = Type.Object({ name: Type.String(), kind: Type.String(), secret: Type.Boolean(), values: Type.Optional(Type.Array(Type.String())), description: Type.String() });
export const ConnectorTypes = Type.Object({
  data: Type.Array(Type.Object({
    type: TypeName, description: Type.String(), delivery: Type.Union([Type.Literal('http'), Type.Literal('smtp')]),
    required: Type.Array(Field), optional: Type.Array(Field), defaultTemplate: Type.Record(Type.String(), Type.String()),
  })),
});
export const TestResult = Type.Object({
  success: Type.Boolean(), status_code: Nullable(Type.Integer({ description: 'The HTTP status, or the SMTP reply code; null when nothing answered' })),
  error: Nullable(Type.String()),
});
