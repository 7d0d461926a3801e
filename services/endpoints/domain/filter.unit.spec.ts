import { describe, expect, it } from 'vitest';
import { DomainError } from '../../platform/domain/errors.ts';
import { compileFilter, explainFilter, filterFor, type DeliveryContext, type FilterRule } from './filter.ts';

const order: DeliveryContext = {
  id: 'evt_1', eventType: 'order.created',
  headers: { 'X-GitHub-Event': 'push', 'content-type': 'application/json' },
  data: {
    customerId: 'c_42', total: 120.5, currency: 'EUR', note: null, tags: ['vip', 'eu'],
    address: { city: 'Lyon', zip: '69001' },
    items: [{ sku: 'A', qty: 1, tags: ['red'] }, { sku: 'B', qty: 3, tags: ['blue', 'sale'] }],
    matrix: [[1, 2], [3, 4]],
  },
};
/** given rules, when an event arrives, then whether it passes */
const passes = (rules: FilterRule[], ctx: DeliveryContext = order) => compileFilter(rules)(ctx);
const rule = (field: string, operator: FilterRule['operator'], value?: unknown): FilterRule[] => [{ field, operator, value }];
const problemsOf = (rules: unknown) => {
  try { compileFilter(rules as FilterRule[]); return []; } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe('VALIDATION_ERROR');
    return (err as DomainError).details?.problems as string[];
  }
};

describe('endpoint filters: comparison operators', () => {
  it('given eq, then JSON values compare deeply (key order aside) and types must match', () => {
    expect(passes(rule('$.data.customerId', 'eq', 'c_42'))).toBe(true);
    expect(passes(rule('$.data.total', 'eq', 120.5))).toBe(true);
    expect(passes(rule('$.data.total', 'eq', '120.5'))).toBe(false);
    expect(passes(rule('$.data.address', 'eq', { zip: '69001', city: 'Lyon' }))).toBe(true);
    expect(passes(rule('$.data.address', 'eq', { city: 'Lyon' }))).toBe(false);
    expect(passes(rule('$.data.tags', 'eq', ['vip', 'eu']))).toBe(true);
    expect(passes(rule('$.data.tags', 'eq', ['eu', 'vip']))).toBe(false);
    expect(passes(rule('$.data.note', 'eq', null))).toBe(true);
  });
  it('given ne, then it is the negation of eq', () => {
    expect(passes(rule('$.data.currency', 'ne', 'USD'))).toBe(true);
    expect(passes(rule('$.data.currency', 'ne', 'EUR'))).toBe(false);
    expect(passes(rule('$.data.address', 'ne', { zip: '69001', city: 'Lyon' }))).toBe(false);
  });
  it('given gt/gte/lt/lte, then numbers order with numbers and strings lexicographically with strings', () => {
    expect(passes(rule('$.data.total', 'gt', 100))).toBe(true);
    expect(passes(rule('$.data.total', 'gt', 120.5))).toBe(false);
    expect(passes(rule('$.data.total', 'gte', 120.5))).toBe(true);
    expect(passes(rule('$.data.total', 'lt', 120.5))).toBe(false);
    expect(passes(rule('$.data.total', 'lte', 120.5))).toBe(true);
    expect(passes(rule('$.data.address.zip', 'gt', '69000'))).toBe(true);
    expect(passes(rule('$.data.address.city', 'lt', 'Paris'))).toBe(true);
    expect(passes(rule('$.data.address.city', 'gte', 'lyon'))).toBe(false); // 'L' < 'l'
  });
  it('given an ordering between different types, then it is false either way', () => {
    expect(passes(rule('$.data.total', 'gt', '100'))).toBe(false);
    expect(passes(rule('$.data.total', 'lte', '100'))).toBe(false);
    expect(passes(rule('$.data.address.zip', 'gt', 1))).toBe(false);
    expect(passes(rule('$.data.note', 'lt', 1))).toBe(false);
    expect(passes(rule('$.data.tags', 'gte', ['a']))).toBe(false);
  });
});

describe('endpoint filters: set and containment operators', () => {
  it('given in/nin, then membership is deep-equal', () => {
    expect(passes(rule('$.data.currency', 'in', ['USD', 'EUR']))).toBe(true);
    expect(passes(rule('$.data.currency', 'in', ['USD', 'GBP']))).toBe(false);
    expect(passes(rule('$.data.total', 'in', ['120.5']))).toBe(false);
    expect(passes(rule('$.data.address', 'in', [{ zip: '69001', city: 'Lyon' }, 1]))).toBe(true);
    expect(passes(rule('$.data.currency', 'nin', ['USD', 'GBP']))).toBe(true);
    expect(passes(rule('$.data.currency', 'nin', ['EUR']))).toBe(false);
    expect(passes(rule('$.data.address', 'nin', [{ city: 'Lyon', zip: '69001' }]))).toBe(false);
  });
  it('given contains, then strings hold substrings and arrays hold deep-equal elements', () => {
    expect(passes(rule('$.data.customerId', 'contains', '_4'))).toBe(true);
    expect(passes(rule('$.data.customerId', 'contains', 'x'))).toBe(false);
    expect(passes(rule('$.data.tags', 'contains', 'vip'))).toBe(true);
    expect(passes(rule('$.data.tags', 'contains', 'v'))).toBe(false);
    expect(passes(rule('$.data.items', 'contains', { sku: 'A', qty: 1, tags: ['red'] }))).toBe(true);
    expect(passes(rule('$.data.matrix', 'contains', [3, 4]))).toBe(true);
    expect(passes(rule('$.data.total', 'contains', 120.5))).toBe(false);
    expect(passes(rule('$.data.address', 'contains', 'Lyon'))).toBe(false);
  });
});

describe('endpoint filters: missing fields and exists', () => {
  it('given a field that selects nothing, then every operator is false but ne and nin', () => {
    const expected = { eq: false, ne: true, gt: false, gte: false, lt: false, lte: false, in: false, nin: true, contains: false };
    for (const [operator, result] of Object.entries(expected)) {
      const value = operator === 'in' || operator === 'nin' ? ['x'] : 'x';
      expect(passes(rule('$.data.absent', operator as FilterRule['operator'], value)), operator).toBe(result);
      expect(passes(rule('$.data.address.city.deeper', operator as FilterRule['operator'], value)), operator).toBe(result);
    }
  });
  it('given exists, then it holds iff the path selects a node (a null value is a node)', () => {
    expect(passes(rule('$.data.customerId', 'exists'))).toBe(true);
    expect(passes(rule('$.data.note', 'exists', true))).toBe(true);
    expect(passes(rule('$.data.absent', 'exists'))).toBe(false);
    expect(passes(rule('$.data.items[5]', 'exists', true))).toBe(false);
  });
  it('given exists with value false, then it holds iff the path selects nothing', () => {
    expect(passes(rule('$.data.absent', 'exists', false))).toBe(true);
    expect(passes(rule('$.data.note', 'exists', false))).toBe(false);
  });
  it('given a payload that is not an object, then member paths select nothing', () => {
    const scalar = { ...order, data: 'plain text' };
    expect(passes(rule('$.data.length', 'exists'), scalar)).toBe(false);
    expect(passes(rule('$.data', 'contains', 'text'), scalar)).toBe(true);
  });
  it('given inherited properties, then only own JSON members count', () => {
    expect(passes(rule('$.data.constructor', 'exists'))).toBe(false);
    expect(passes(rule('$.data.tags.length', 'exists'))).toBe(false);
  });
});

describe('endpoint filters: the delivery context', () => {
  it('given header paths, then names match case-insensitively, dashes in dot form included', () => {
    expect(passes(rule('$.headers.X-GitHub-Event', 'eq', 'push'))).toBe(true);
    expect(passes(rule('$.headers.x-github-event', 'eq', 'push'))).toBe(true);
    expect(passes(rule("$.headers['X-GITHUB-EVENT']", 'eq', 'push'))).toBe(true);
    expect(passes(rule('$.headers.Content-Type', 'contains', 'json'))).toBe(true);
    expect(passes(rule('$.headers.X-Missing', 'exists', false))).toBe(true);
  });
  it('given a header path the library evaluates, then headers are lower-cased there too', () => {
    expect(passes(rule("$.headers[?@ == 'push']", 'eq', 'push'))).toBe(true);
    expect(passes(rule("$.headers.*", 'exists'))).toBe(true);
    expect(passes(rule('$.headers', 'eq', { 'x-github-event': 'push', 'content-type': 'application/json' }))).toBe(true);
  });
  it('given $.eventType and $.id, then they read the envelope', () => {
    expect(passes(rule('$.eventType', 'in', ['order.created', 'order.updated']))).toBe(true);
    expect(passes(rule('$.id', 'eq', 'evt_1'))).toBe(true);
    expect(passes(rule('$.eventType', 'eq', null), { ...order, eventType: null })).toBe(true);
  });
  it('given nested arrays, then indices (negative from the end) and filter expressions select nodes', () => {
    expect(passes(rule('$.data.items[1].tags[0]', 'eq', 'blue'))).toBe(true);
    expect(passes(rule('$.data.matrix[1][0]', 'eq', 3))).toBe(true);
    expect(passes(rule('$.data.items[-1].sku', 'eq', 'B'))).toBe(true);
    expect(passes(rule("$.data.items[?@.sku == 'B'].qty", 'gte', 3))).toBe(true);
    expect(passes(rule('$.data.items[*].tags', 'contains', 'red'))).toBe(true); // the first node only
    expect(passes(rule('$..sku', 'eq', 'A'))).toBe(true);
  });
  it('given several rules, then all must hold; given none, then everything passes', () => {
    expect(passes([{ field: '$.data.currency', operator: 'eq', value: 'EUR' }, { field: '$.data.total', operator: 'gt', value: 100 }])).toBe(true);
    expect(passes([{ field: '$.data.currency', operator: 'eq', value: 'EUR' }, { field: '$.data.total', operator: 'gt', value: 500 }])).toBe(false);
    expect(passes([])).toBe(true);
  });
});

describe('endpoint filters: compilation', () => {
  it('given bad rules, when compiled, then VALIDATION_ERROR lists each problem', () => {
    expect(problemsOf([
      { field: 'data.x', operator: 'eq', value: 1 },
      { field: '$.x', operator: 'like', value: 1 },
      { field: '$.x', operator: 'in', value: 'a' },
      { field: '$.x', operator: 'exists', value: 'yes' },
      { field: '$.x', operator: 'eq' },
    ])).toHaveLength(5);
    expect(problemsOf([{ field: '$.data[', operator: 'eq', value: 1 }, { field: '$.a b', operator: 'eq', value: 1 }])).toHaveLength(2);
    expect(problemsOf({ field: '$.x' })).toBeUndefined();
  });
  it('given null or [] as the stored filter, then every event passes', () => {
    expect(filterFor(null)(order)).toBe(true);
    expect(filterFor('[]')(order)).toBe(true);
  });
  it('given a stored filter, when asked for twice, then it was compiled once (same function)', () => {
    const json = JSON.stringify(rule('$.data.currency', 'eq', 'EUR'));
    const first = filterFor(json);
    expect(filterFor(json)).toBe(first);
    expect(filterFor(JSON.stringify(rule('$.data.currency', 'eq', 'USD')))).not.toBe(first);
    expect(first(order)).toBe(true);
  });
  it('given a stored filter that is not JSON, then VALIDATION_ERROR', () => {
    expect(() => filterFor('[{')).toThrow(DomainError);
  });
});

describe('endpoint filters: explained (the try-it)', () => {
  const rules: FilterRule[] = [
    { field: '$.data.currency', operator: 'eq', value: 'EUR' },
    { field: '$.data.total', operator: 'gt', value: 500 },
    { field: '$.headers.X-GitHub-Event', operator: 'eq', value: 'issues' },
  ];
  it('given rules that all hold, when explained, then matched with no deciding rule, as compileFilter says', () => {
    const holding = rules.slice(0, 1);
    expect(explainFilter(holding, order)).toEqual({ matched: true, decidedBy: null, rules: [{ index: 0, matched: true }] });
    expect(passes(holding)).toBe(true);
  });
  it('given rules that fail, when explained, then the first failing rule decided, and every verdict is listed', () => {
    expect(explainFilter(rules, order)).toEqual({
      matched: false, decidedBy: 1, rules: [{ index: 0, matched: true }, { index: 1, matched: false }, { index: 2, matched: false }],
    });
    expect(passes(rules)).toBe(false);
  });
  it('given no rules, when explained, then matched; given bad rules, then VALIDATION_ERROR as on save', () => {
    expect(explainFilter([], order)).toEqual({ matched: true, decidedBy: null, rules: [] });
    expect(() => explainFilter([{ field: 'x', operator: 'eq', value: 1 }], order)).toThrow(DomainError);
  });
});
