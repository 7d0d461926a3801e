import { DomainError } from '../../platform/domain/errors.ts';
import type { EventTypeDefinition } from './messages.ts';
import { SCHEMA_LIMITS, schemaLimitProblems } from './schema-limits.ts';

/** The API's view of the definition: schema and examplePayload as JSON values. */
export type EventTypeInput = {
  name?: string; description?: string; schema?: object | null; schemaVersion?: string | null;
  examplePayload?: object | null; deprecated?: boolean;
};

/**
 * Compiles a schema that is within SCHEMA_LIMITS and answers its problems: it is not a valid
 * JSON Schema, or the example (when given) does not match it. The caller owns the schema engine.
 */
export type SchemaCheck = (schema: object, example: object | null) => string[];

/** Letters, digits and . _ : - (no * or /: endpoints subscribe with `payment.*`, names go in URLs). */
export const EVENT_TYPE_NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,254}$/;

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null && !Array.isArray(v);
const parsed = (text: string | null): object | null => (text === null ? null : JSON.parse(text));

/**
 * Merges `input` over `base` (undefined when creating) and checks every field; throws
 * VALIDATION_ERROR listing all problems. The name never changes: endpoints subscribe to it and
 * events name it.
 */
export function buildDefinition(base: EventTypeDefinition | undefined, input: EventTypeInput, check: SchemaCheck): EventTypeDefinition {
  const problems: string[] = [];
  const d: EventTypeDefinition = {
    name: base?.name ?? input.name ?? '',
    description: input.description ?? base?.description ?? '',
    schema: input.schema === undefined ? (base?.schema ?? null) : input.schema === null ? null : JSON.stringify(input.schema),
    schemaVersion: input.schemaVersion === undefined ? (base?.schemaVersion ?? null) : input.schemaVersion,
    examplePayload: input.examplePayload === undefined ? (base?.examplePayload ?? null)
      : input.examplePayload === null ? null : JSON.stringify(input.examplePayload),
    deprecated: input.deprecated ?? base?.deprecated ?? false,
  };
  if (base && input.name !== undefined && input.name !== base.name) problems.push('name cannot change; create a new event type instead');
  if (!EVENT_TYPE_NAME.test(d.name)) problems.push('name must be 1-255 characters: letters, digits, . _ : - starting with a letter or digit');
  if (d.description.length > 1_000) problems.push('description must be at most 1000 characters');
  if (d.schemaVersion !== null && (d.schemaVersion.length === 0 || d.schemaVersion.length > 50)) problems.push('schemaVersion must be 1-50 characters');
  if (input.schema !== undefined && input.schema !== null && !isObject(input.schema)) problems.push('schema must be a JSON Schema object');
  if (input.examplePayload !== undefined && input.examplePayload !== null && !isObject(input.examplePayload)) problems.push('examplePayload must be a JSON object');
  if (d.examplePayload !== null && Buffer.byteLength(d.examplePayload) > SCHEMA_LIMITS.maxBytes) problems.push('examplePayload must be at most 64 KiB of JSON');
  if (problems.length === 0 && d.schema !== null) {
    const schema = parsed(d.schema)!;
    const limits = schemaLimitProblems(schema);
    problems.push(...(limits.length > 0 ? limits : check(schema, parsed(d.examplePayload))));
  }
  if (problems.length > 0) throw new DomainError('VALIDATION_ERROR', problems.join('; '), { problems });
  return d;
}

/** The definition as the API shows it: schema and examplePayload as JSON values. */
export function definitionView(d: EventTypeDefinition) {
  return { ...d, schema: parsed(d.schema), examplePayload: parsed(d.examplePayload) };
}
