import { describe, expect, it } from 'vitest';
import { holds, parseCondition, parseDuration } from './condition.ts';

describe('parseCondition (000\'s condition string)', () => {
  it('given "failure_rate > 10%", then a fraction threshold with operator gt', () => {
    expect(parseCondition('failure_rate > 10%')).toEqual({ metric: 'failure_rate', operator: 'gt', value: 0.1, percentile: null });
  });
  it('given a latency percentile, then that percentile; latency alone is p95', () => {
    expect(parseCondition('latency_p99 >= 2000')).toEqual({ metric: 'latency', operator: 'gte', value: 2000, percentile: 99 });
    expect(parseCondition('latency<500')).toMatchObject({ percentile: 95, operator: 'lt' });
  });
  it('given every operator symbol, then its name', () => {
    expect(['>', '>=', '<', '<=', '==', '!='].map((op) => parseCondition(`error_count ${op} 3`).operator)).toEqual(['gt', 'gte', 'lt', 'lte', 'eq', 'ne']);
  });
  it.each(['', 'failure_rate', 'cpu > 3', 'failure_rate >> 3', 'error_count > 10%', 'latency_p42 > 1', 'failure_rate > ten'])('given %j, then VALIDATION_ERROR', (text) => {
    expect(() => parseCondition(text)).toThrow(expect.objectContaining({ code: 'VALIDATION_ERROR' }));
  });
});

describe('parseDuration and holds', () => {
  it('reads s, m, h, d and nothing else', () => {
    expect([parseDuration('90s'), parseDuration('5m'), parseDuration('1h'), parseDuration('2d')]).toEqual([90_000, 300_000, 3_600_000, 172_800_000]);
    expect([parseDuration('5'), parseDuration('5 minutes'), parseDuration('-1m')]).toEqual([null, null, null]);
  });
  it('compares with each operator', () => {
    expect([holds(2, 'gt', 1), holds(1, 'gte', 1), holds(1, 'lt', 1), holds(1, 'lte', 1), holds(1, 'eq', 1), holds(1, 'ne', 1)]).toEqual([true, true, false, true, true, false]);
  });
});
