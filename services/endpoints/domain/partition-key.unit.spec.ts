import { query } from 'jsonpath-rfc9535';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../platform/domain/errors.ts';
import type { DeliveryContext } from './filter.ts';
import { boundedMemo, compileKeyPath, compileSelector, jsonContext, keyPathFor, normalizePath } from './partition-key.ts';

const event: DeliveryContext = {
  id: 'evt_1', eventType: 'order.created', headers: { 'X-Tenant-Id': 't_7' },
  data: {
    customerId: 'c_42', seq: 42, vip: true, none: null, 'customer-id': 'c_dash', "it's": 'quoted',
    customer: { id: 'c_9', tags: ['a', 'b'], address: { zip: '69001' } },
    lines: [{ sku: 'A', primary: false }, { sku: 'B', primary: true }],
  },
};
/** given a fifoPartitionKey, when an event arrives, then its key */
const keyOf = (path: string, ctx: DeliveryContext = event) => compileKeyPath(path)(ctx);

describe('FIFO partition keys', () => {
  it('given a string, then the key is the string as-is', () => {
    expect(keyOf('$.data.customerId')).toBe('c_42');
    expect(keyOf('$.id')).toBe('evt_1');
    expect(keyOf('$.eventType')).toBe('order.created');
  });
  it('given numbers and booleans, then String() of them', () => {
    expect(keyOf('$.data.seq')).toBe('42');
    expect(keyOf('$.data.vip')).toBe('true');
  });
  it('given objects and arrays, then their JSON', () => {
    expect(keyOf('$.data.customer.address')).toBe('{"zip":"69001"}');
    expect(keyOf('$.data.customer.tags')).toBe('["a","b"]');
  });
  it('given nested, bracket and index paths, then the reader follows them', () => {
    expect(keyOf('$.data.customer.id')).toBe('c_9');
    expect(keyOf("$.data['customer-id']")).toBe('c_dash');
    expect(keyOf('$.data["customer-id"]')).toBe('c_dash');
    expect(keyOf('$.data.customer-id')).toBe('c_dash');
    expect(keyOf(`$.data["it's"]`)).toBe('quoted');
    expect(keyOf('$.data.lines[1].sku')).toBe('B');
    expect(keyOf('$.data.lines[-2].sku')).toBe('A');
    expect(keyOf("$['data']['customer']['tags'][0]")).toBe('a');
  });
  it('given a header, then its name matches case-insensitively', () => {
    expect(keyOf('$.headers.X-Tenant-Id')).toBe('t_7');
    expect(keyOf("$.headers['x-tenant-id']")).toBe('t_7');
    expect(keyOf('$.headers.X-Tenant-Id', { ...event, headers: { 'x-tenant-id': 't_8' } })).toBe('t_8');
  });
  it('given a path that selects nothing or null, then null', () => {
    expect(keyOf('$.data.absent')).toBeNull();
    expect(keyOf('$.data.none')).toBeNull();
    expect(keyOf('$.data.lines[2].sku')).toBeNull();
    expect(keyOf('$.data.customer[0]')).toBeNull();
    expect(keyOf('$.data.lines.sku')).toBeNull();
    expect(keyOf('$.data.customerId.length')).toBeNull();
    expect(keyOf('$.data.constructor')).toBeNull();
    expect(keyOf('$.other')).toBeNull();
    expect(keyOf('$.headers.X-Absent')).toBeNull();
    expect(keyOf('$.eventType', { ...event, eventType: null })).toBeNull();
  });
  it('given a complex path, then jsonpath-rfc9535 evaluates it (first node)', () => {
    expect(keyOf('$.data.lines[?@.primary == true].sku')).toBe('B');
    expect(keyOf('$..zip')).toBe('69001');
    expect(keyOf('$.data.lines[*].sku')).toBe('A');
    expect(keyOf('$..X-Tenant-Id')).toBeNull(); // descendants are not header lookups: names stay as written
    expect(keyOf('$..x-tenant-id')).toBe('t_7');
  });
  it('given a path that is not a JSONPath, when compiled, then VALIDATION_ERROR', () => {
    for (const bad of ['data.customerId', '$.data[', '$.data.0', '$.data[01]']) {
      expect(() => compileKeyPath(bad), bad).toThrow(DomainError);
    }
  });
});

describe('context paths', () => {
  it('given dot names with dashes and header names, then they become RFC 9535 bracket names', () => {
    expect(normalizePath('$.headers.X-GitHub-Event')).toBe("$['headers']['x-github-event']");
    expect(normalizePath('$.data.a-b[0]..c-d')).toBe("$['data']['a-b'][0]..['c-d']");
    expect(normalizePath("$.data[?@.name == 'a.b-c'].x")).toBe("$['data'][?@.name == 'a.b-c']['x']");
  });
  it('given simple paths, then the reader selects what jsonpath-rfc9535 selects', () => {
    const paths = ['$.data.customerId', '$.data.customer.tags[1]', '$.data.lines[-1]', '$.data.none', '$.data.lines.sku',
      '$.data.customer[0]', '$.headers.X-Tenant-Id', '$.headers', '$.data.absent', '$.eventType', '$.other'];
    for (const p of paths) expect(compileSelector(p)(event), p).toEqual(query(jsonContext(event), normalizePath(p))[0]);
  });
  it('given a path asked for twice, then it was compiled once (same function)', () => {
    expect(keyPathFor('$.data.customerId')).toBe(keyPathFor('$.data.customerId'));
    let compiles = 0;
    const memo = boundedMemo(2, (k: string) => { compiles++; return () => k; });
    const a = memo('a');
    memo('a'); memo('b'); memo('a'); memo('c'); // 'b' is the least recently used, so it goes
    expect(memo('a')).toBe(a);
    expect(compiles).toBe(3);
    memo('b');
    expect(compiles).toBe(4);
  });
});

describe('regular expressions in paths (RE2, linear time)', () => {
  const ctx = (data: unknown) => ({ id: 'e', eventType: 't', data, headers: {} });
  it('given a pattern that backtracks exponentially on a native RegExp, when an event is matched, then it answers at once', () => {
    const select = compileSelector("$.data[?search(@, '^(a|a)*$')]");
    // On a native RegExp this call would not return within the age of the universe.
    expect(select(ctx(['a'.repeat(5_000) + 'b']))).toBeUndefined();
    expect(select(ctx(['aaaa']))).toBe('aaaa');
  });
  it('given an invalid or oversized literal pattern, when the path is compiled, then it is refused', () => {
    for (const path of ['$.data[?search(@, "[")]', "$.data[?match(@.x, '(a')]", `$.data[?search(@, '${'a'.repeat(1_001)}')]`]) {
      expect(() => compileSelector(path), path).toThrow(DomainError);
    }
  });
  it('given match(), then the whole string must match, alternatives included, and . excludes \\r and \\n (RFC 9485)', () => {
    expect(query({ a: ['ab', 'b', 'xb'] }, "$.a[?match(@, 'a|b')]")).toEqual(['b']);
    expect(query({ a: ['x\ry', 'x\ny', 'xzy'] }, "$.a[?match(@, 'x.y')]")).toEqual(['xzy']);
    expect(query({ a: ['d]', ']x', 'd'] }, "$.a[?match(@, '[\\\\]d].')]")).toEqual(['d]', ']x']);
  });
  it('given the JSONPath engine, then it runs patterns on RE2 (patches/jsonpath-rfc9535), which knows (?i) where RegExp does not', () => {
    expect(query({ a: ['ABC', 'x'] }, "$.a[?search(@, '(?i)abc')]")).toEqual(['ABC']);
  });
});
