import { describe, expect, it } from 'vitest';
import { DomainError } from '../../platform/domain/errors.ts';
import { decide, type EventTypeCommand } from './decide.ts';
import type { SchemaCheck } from './definition.ts';
import type { EventTypeEvent } from './messages.ts';
import { evolve, type EventTypeState } from './evolve.ts';
import { schemaLimitProblems } from './schema-limits.ts';

const T = 1_700_000_000_000;
const schema = { type: 'object', required: ['orderId'], properties: { orderId: { type: 'string' } } };
/** A stand-in engine: schemas with `type: "bogus"` do not compile; an example must carry orderId. */
const check: SchemaCheck = (s, example) => [
  ...((s as { type?: string }).type === 'bogus' ? ['schema/type must be equal to one of the allowed values'] : []),
  ...(example && !('orderId' in example) ? ["examplePayload must have required property 'orderId'"] : []),
];
const create: EventTypeCommand = {
  type: 'Create', eventTypeId: 'et1', accountId: 'a', projectId: 'p',
  input: { name: 'order.created', description: 'Fired when a new order is placed', schema, schemaVersion: '1.0' },
};
const fold = (events: EventTypeEvent[]) => events.reduce<EventTypeState | undefined>(evolve, undefined);
/** given events, when command, then events or an error code (with its problems) */
const when = (given: EventTypeEvent[], cmd: EventTypeCommand) => {
  try { return decide(fold(given), cmd, T + 1000, check); } catch (err) {
    if (err instanceof DomainError) return { code: err.code, problems: err.details?.problems as string[] | undefined };
    throw err;
  }
};
const created = decide(undefined, create, T, check);

describe('event type decider', () => {
  it('given nothing, when created, then version 1 holding the schema as JSON text', () => {
    expect(created).toEqual([{ type: 'EventTypeCreated', eventTypeId: 'et1', accountId: 'a', projectId: 'p', version: 1, at: T,
      definition: { name: 'order.created', description: 'Fired when a new order is placed', schema: JSON.stringify(schema),
        schemaVersion: '1.0', examplePayload: null, deprecated: false } }]);
  });
  it('given nothing, when created with a bad name, a schema that does not compile and a bad example, then VALIDATION_ERROR listing each', () => {
    expect(when([], { ...create, input: { name: 'order.*', schema: { type: 'bogus' } } })).toMatchObject({ code: 'VALIDATION_ERROR', problems: [expect.stringMatching(/^name/)] });
    expect(when([], { ...create, input: { name: 'x', schema: { type: 'bogus' } } })).toMatchObject({ problems: [expect.stringMatching(/^schema\/type/)] });
    expect(when([], { ...create, input: { name: 'x', schema, examplePayload: { amount: 1 } } })).toMatchObject({ problems: [expect.stringMatching(/^examplePayload/)] });
  });
  it('given an event type, when updated, then a new version holding the whole new definition', () => {
    expect(when(created, { type: 'Update', input: { description: 'Updated', schemaVersion: '2.0' } })).toMatchObject([{
      type: 'EventTypeUpdated', version: 2, definition: { name: 'order.created', description: 'Updated', schemaVersion: '2.0', schema: JSON.stringify(schema) } }]);
  });
  it('given an event type, when updated to the same values, then no event', () => {
    expect(when(created, { type: 'Update', input: { name: 'order.created', schemaVersion: '1.0' } })).toEqual([]);
  });
  it('given an event type, when renamed, then VALIDATION_ERROR: the name is what endpoints and events refer to', () => {
    expect(when(created, { type: 'Update', input: { name: 'order.placed' } })).toMatchObject({ code: 'VALIDATION_ERROR' });
  });
  it('given an event type with a schema, when an example without the required field is set, then it is checked against the kept schema', () => {
    expect(when(created, { type: 'Update', input: { examplePayload: { amount: 5 } } })).toMatchObject({ code: 'VALIDATION_ERROR' });
  });
  it('given an event type, when its schema is removed, then payloads are no longer checked', () => {
    const [e] = when(created, { type: 'Update', input: { schema: null } }) as EventTypeEvent[];
    expect(e).toMatchObject({ type: 'EventTypeUpdated', definition: { schema: null } });
  });
  it('given a deleted event type, when updated or deleted, then NOT_FOUND', () => {
    const deleted = [...created, ...(when(created, { type: 'Delete' }) as EventTypeEvent[])];
    expect(fold(deleted)).toMatchObject({ deleted: true, version: 2 });
    expect(when(deleted, { type: 'Update', input: { description: 'x' } })).toMatchObject({ code: 'NOT_FOUND' });
    expect(when(deleted, { type: 'Delete' })).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('schema limits (customer schemas are untrusted)', () => {
  const nest = (depth: number): object => (depth === 0 ? { type: 'string' } : { type: 'object', properties: { a: nest(depth - 1) } });

  it('caps size and depth', () => {
    expect(schemaLimitProblems({ description: 'x'.repeat(70_000) })).toEqual([expect.stringMatching(/at most 64 KiB/)]);
    expect(schemaLimitProblems(nest(10))).toEqual([]);
    expect(schemaLimitProblems(nest(20))).toEqual([expect.stringMatching(/at most 32 levels/)]);
  });
  it('allows only references inside the document, no $id, and draft-07 at the root only', () => {
    expect(schemaLimitProblems({ definitions: { a: { type: 'string' } }, properties: { x: { $ref: '#/definitions/a' } } })).toEqual([]);
    expect(schemaLimitProblems({ properties: { x: { $ref: 'https://evil.example/s.json' } } })).toHaveLength(1);
    expect(schemaLimitProblems({ $id: 'https://tenant-a/s.json' })).toHaveLength(1);
    expect(schemaLimitProblems({ properties: { x: { $anchor: 'x' } } })).toHaveLength(1);
    expect(schemaLimitProblems({ $schema: 'http://json-schema.org/draft-07/schema#' })).toEqual([]);
    expect(schemaLimitProblems({ $schema: 'https://json-schema.org/draft/2020-12/schema' })).toHaveLength(1);
    expect(schemaLimitProblems({ properties: { $schema: { type: 'string' } } })).toEqual([]);
  });
  it('given patterns the linear-time engine cannot run, then it refuses them; nested quantifiers it can', () => {
    expect(schemaLimitProblems({ properties: { s: { type: 'string', pattern: '^(a|a)*$' } } })).toEqual([]);
    expect(schemaLimitProblems({ properties: { s: { type: 'string', pattern: '^(a+)+$' } } })).toEqual([]);
    for (const p of ['(a)\\1', '(?<x>a)\\k<x>', 'a(?=b)', '(?<!a)b', '[', '(', 'a{2,1}', 'x'.repeat(1_001)]) {
      expect(schemaLimitProblems({ properties: { s: { type: 'string', pattern: p } } }), p).toHaveLength(1);
    }
    expect(schemaLimitProblems({ patternProperties: { '(?=x)': {} } })).toHaveLength(1);
    expect(schemaLimitProblems({ type: 'array', uniqueItems: true, items: { type: 'object' } })).toHaveLength(1);
    expect(schemaLimitProblems({ type: 'array', uniqueItems: true, items: { type: 'object' }, maxItems: 100 })).toEqual([]);
    expect(schemaLimitProblems({ type: 'array', uniqueItems: true, items: { type: 'string' } })).toEqual([]);
  });
});
