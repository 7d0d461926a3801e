import { describe, expect, it } from 'vitest';
import { DomainError } from '../platform/domain/errors.ts';
import type { EventTypeState } from './domain/evolve.ts';
import { checkSchema, compileSchema } from './json-schema.ts';
import { validatePayload, ValidatorCache } from './payload.ts';

const orderSchema = {
  type: 'object', required: ['orderId', 'amount'], additionalProperties: false,
  properties: { orderId: { type: 'string' }, amount: { type: 'integer', minimum: 0 }, email: { type: 'string', format: 'email' } },
};
const state = (schema: object | null, version = 1, id = 'et1'): EventTypeState => ({
  eventTypeId: id, accountId: 'a', projectId: 'p', version, deleted: false, createdAt: 0, updatedAt: 0,
  definition: { name: 'order.created', description: '', schema: schema && JSON.stringify(schema), schemaVersion: null, examplePayload: null, deprecated: false },
});
const storeOf = (et: EventTypeState | undefined) => ({ byName: (p: string, n: string) => (p === 'p' && n === 'order.created' ? et : undefined) });
const errorsOf = (fn: () => void) => {
  try { fn(); return undefined; } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('VALIDATION_ERROR');
    return (err as DomainError).details!.errors as Array<{ path: string; message: string }>;
  }
};

describe('checkSchema (create/update)', () => {
  it('accepts a draft-07 schema and an example that matches it', () => {
    expect(checkSchema(orderSchema, { orderId: 'o1', amount: 3 })).toEqual([]);
    expect(checkSchema({ $schema: 'http://json-schema.org/draft-07/schema#', type: 'object' }, null)).toEqual([]);
  });
  it('lists what is wrong with a schema that is not one', () => {
    expect(checkSchema({ type: 'objekt' }, null)[0]).toMatch(/^schema\/type /);
    expect(checkSchema({ properties: { a: { minimum: 'five' } } }, null)[0]).toMatch(/^schema\/properties\/a\/minimum must be number/);
    expect(checkSchema({ $ref: '#/definitions/missing' }, null)[0]).toMatch(/can't resolve reference/);
    expect(checkSchema({ type: 'object', properties: { child: { $ref: '#' } } }, { child: { child: {} } })).toEqual([]);
  });
  it('checks the example against the schema', () => {
    expect(checkSchema(orderSchema, { orderId: 'o1' })).toEqual(["examplePayload/amount must have required property 'amount'"]);
  });
  it('leaves nothing behind in the shared engine', () => {
    const s = { type: 'object' };
    for (let i = 0; i < 3; i++) expect(checkSchema(s, null)).toEqual([]);
    expect(checkSchema({ type: 'nope' }, null)).not.toEqual([]);
    // The same object compiles again (it was removed from the engine's identity cache).
    const c = compileSchema(s);
    expect('validate' in c && c.validate({})).toEqual([]);
  });
});

describe('validatePayload (POST /events)', () => {
  it('passes events without a type, of an unknown type or of a type without a schema', () => {
    expect(errorsOf(() => validatePayload(storeOf(state(orderSchema)), 'p', null, {}))).toBeUndefined();
    expect(errorsOf(() => validatePayload(storeOf(state(orderSchema)), 'p', 'other.type', {}))).toBeUndefined();
    expect(errorsOf(() => validatePayload(storeOf(state(null)), 'p', 'order.created', {}))).toBeUndefined();
    expect(errorsOf(() => validatePayload(storeOf(state(orderSchema)), 'p', 'order.created', { orderId: 'o', amount: 1 }))).toBeUndefined();
  });
  it('answers the schema errors with their paths', () => {
    const s = storeOf(state(orderSchema));
    expect(errorsOf(() => validatePayload(s, 'p', 'order.created', { orderId: 'o', amount: 'ten' })))
      .toEqual([{ path: '/amount', message: 'must be integer', keyword: 'type' }]);
    expect(errorsOf(() => validatePayload(s, 'p', 'order.created', { amount: 1 })))
      .toEqual([{ path: '/orderId', message: "must have required property 'orderId'", keyword: 'required' }]);
    expect(errorsOf(() => validatePayload(s, 'p', 'order.created', { orderId: 'o', amount: 1, email: 'nope' })))
      .toEqual([{ path: '/email', message: 'must match format "email"', keyword: 'format' }]);
    expect(errorsOf(() => validatePayload(s, 'p', 'order.created', { orderId: 'o', amount: 1, extra: true })))
      .toEqual([{ path: '/extra', message: 'must NOT have additional properties', keyword: 'additionalProperties' }]);
  });
  it('reports a recursive schema over very deep data instead of crashing', () => {
    const deep = JSON.parse(`${'{"a":'.repeat(100_000)}{}${'}'.repeat(100_000)}`);
    const recursive = { type: 'object', properties: { a: { $ref: '#' } } };
    expect(errorsOf(() => validatePayload(storeOf(state(recursive, 1, 'recursive')), 'p', 'order.created', deep)))
      .toEqual([{ path: '', message: 'is nested too deeply to check against the schema', keyword: 'depth' }]);
  });
  // No timing assertion (speed belongs in benchmarks): the test's own timeout bounds it.
  it('stops at maxItems before the quadratic uniqueItems check over a huge array', () => {
    const s = storeOf(state({ type: 'object', properties: { xs: { type: 'array', maxItems: 100, uniqueItems: true } } }, 1, 'unique'));
    expect(errorsOf(() => validatePayload(s, 'p', 'order.created', { xs: Array.from({ length: 200_000 }, () => ({})) }))?.[0])
      .toMatchObject({ path: '/xs', keyword: 'maxItems' });
  });
});

describe('patterns (RE2)', () => {
  // No timing assertion: on a native RegExp these calls would not return, and the test's timeout fails them.
  it('given the issue-17 schema, when a payload that backtracks exponentially on RegExp is checked, then it is refused at once', () => {
    const s = storeOf(state({ type: 'object', properties: { s: { type: 'string', pattern: '^(a|a)*$' } } }, 1, 'redos'));
    expect(errorsOf(() => validatePayload(s, 'p', 'order.created', { s: `${'a'.repeat(5_000)}b` }))?.[0]).toMatchObject({ path: '/s', keyword: 'pattern' });
    expect(errorsOf(() => validatePayload(s, 'p', 'order.created', { s: 'a'.repeat(5_000) }))).toBeUndefined();
  });
  it('given several patterns and patternProperties in one schema, then each keeps its own meaning', () => {
    const schema = { type: 'object', patternProperties: { '^x-': { type: 'string', pattern: '^\\d+$' }, '^y-': { type: 'string', pattern: '^[a-z]+$' } } };
    const s = storeOf(state(schema, 1, 'several'));
    expect(errorsOf(() => validatePayload(s, 'p', 'order.created', { 'x-a': '12', 'y-b': 'ab', other: 1 }))).toBeUndefined();
    expect(errorsOf(() => validatePayload(s, 'p', 'order.created', { 'x-a': 'ab' }))?.[0]).toMatchObject({ path: '/x-a', keyword: 'pattern' });
    expect(errorsOf(() => validatePayload(s, 'p', 'order.created', { 'y-b': '12' }))?.[0]).toMatchObject({ path: '/y-b', keyword: 'pattern' });
  });
  it('given a pattern RE2 cannot run, then the schema is refused when it is defined', () => {
    expect(checkSchema({ type: 'string', pattern: '(a)\\1' }, null)[0]).toMatch(/backreferences/);
  });
});

describe('ValidatorCache', () => {
  it('compiles once per (event type, version) and keeps one version per event type', () => {
    const cache = new ValidatorCache(2);
    const v1 = cache.get(state(orderSchema, 1));
    expect(cache.get(state(orderSchema, 1))).toBe(v1);
    const v2 = cache.get(state({ type: 'object' }, 2));
    expect(v2).not.toBe(v1);
    expect(v2!({})).toEqual([]);
    expect(cache.size).toBe(1);
  });
  it('evicts the least recently used beyond its bounds', () => {
    const cache = new ValidatorCache(2);
    const a = cache.get(state(orderSchema, 1, 'a'));
    cache.get(state(orderSchema, 1, 'b'));
    cache.get(state(orderSchema, 1, 'a'));
    cache.get(state(orderSchema, 1, 'c')); // evicts b
    expect(cache.size).toBe(2);
    expect(cache.get(state(orderSchema, 1, 'a'))).toBe(a);
    const bytes = new ValidatorCache(100, 10);
    bytes.get(state(orderSchema, 1, 'a'));
    bytes.get(state(orderSchema, 1, 'b'));
    expect(bytes.size).toBe(1);
  });
});
