import { describe, expect, it } from 'vitest';
import { categoriesOf, receivesAlert, receivesEvent } from './match.ts';
import type { ConnectorDefinition } from './messages.ts';

const def = (over: Partial<ConnectorDefinition> = {}): ConnectorDefinition => ({
  name: 'c', type: 'slack', description: '', config: '{}', masked: '{}', template: null, eventTypes: ['order.*'], filter: null,
  categories: [], severityFilter: ['high', 'critical'], alertTypeFilter: null, isActive: true, ...over,
});
const ev = (eventType: string, data: unknown) => ({ id: 'e', eventType, data, headers: {} });

describe('which events a connector receives', () => {
  it('given event types with wildcards, when an event arrives, then the endpoints\' matching', () => {
    expect(receivesEvent(def(), ev('order.created', {}))).toBe(true);
    expect(receivesEvent(def(), ev('user.created', {}))).toBe(false);
    expect(receivesEvent(def({ eventTypes: ['*'] }), ev('user.created', {}))).toBe(true);
    expect(receivesEvent(def({ eventTypes: [] }), ev('order.created', {}))).toBe(false);
  });
  it('given a content filter, when an event arrives, then the endpoint filter operators decide', () => {
    const filter = JSON.stringify([{ field: '$.data.amount', operator: 'gte', value: 100 }, { field: '$.data.region', operator: 'in', value: ['eu', 'us'] }]);
    expect(receivesEvent(def({ filter }), ev('order.created', { amount: 150, region: 'eu' }))).toBe(true);
    expect(receivesEvent(def({ filter }), ev('order.created', { amount: 50, region: 'eu' }))).toBe(false);
  });
  it('given categories, when an event arrives, then its payload\'s category or categories must hold one', () => {
    expect(categoriesOf({ category: 'a', categories: ['b', 1] })).toEqual(['a', 'b']);
    expect(receivesEvent(def({ categories: ['tech'] }), ev('order.created', { categories: ['tech', 'x'] }))).toBe(true);
    expect(receivesEvent(def({ categories: ['tech'] }), ev('order.created', { category: 'sales' }))).toBe(false);
    expect(receivesEvent(def({ categories: ['tech'] }), ev('order.created', 'not an object'))).toBe(false);
  });
  it('given an inactive connector, when anything arrives, then nothing', () => {
    expect(receivesEvent(def({ isActive: false }), ev('order.created', {}))).toBe(false);
    expect(receivesAlert(def({ isActive: false }), { severity: 'critical', alertType: 'x' })).toBe(false);
  });
  it('given 004\'s filters, when an alert is dispatched, then its severity in severity_filter (empty: all) and its type in alert_type_filter (null: all)', () => {
    expect(receivesAlert(def(), { severity: 'high', alertType: 'failure_rate' })).toBe(true);
    expect(receivesAlert(def(), { severity: 'low', alertType: 'failure_rate' })).toBe(false);
    expect(receivesAlert(def({ severityFilter: [] }), { severity: 'low', alertType: 'x' })).toBe(true);
    expect(receivesAlert(def({ alertTypeFilter: ['latency'] }), { severity: 'high', alertType: 'failure_rate' })).toBe(false);
    expect(receivesAlert(def({ alertTypeFilter: ['latency'] }), { severity: 'high', alertType: 'latency' })).toBe(true);
  });
});
