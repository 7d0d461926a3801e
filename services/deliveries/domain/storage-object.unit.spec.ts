import { describe, expect, it } from 'vitest';
import type { DeliveryRequested } from './messages.ts';
import { objectBody, objectKey } from './storage-object.ts';

const req = (eventId: string, createdAt: number, payload: unknown): DeliveryRequested => ({
  type: 'DeliveryRequested', dispatchId: `d-${eventId}`, eventId, accountId: 'a', projectId: 'p', endpointId: 'e', eventType: 'x.y',
  url: 's3://b/', payload: JSON.stringify(payload), headers: {}, attempt: 1, maxAttempts: 5, priority: 5, dueAt: 0, createdAt, fifo: false,
});
const day = Date.UTC(2026, 11, 7, 6, 0, 0);

describe('storage objects', () => {
  it('given one delivery, when keyed, then the key is the prefix, the day and the event id', () => {
    expect(objectKey('sinks/a', 'ndjson', [req('e1', day, {})])).toBe('sinks/a/2026/12/07/e1.ndjson');
    expect(objectKey('', 'json', [req('e1', day, {})])).toBe('2026/12/07/e1.json');
  });

  it('given the same deliveries in another order, when keyed and written, then key and bytes are the same', () => {
    const a = [req('e2', day + 1, { n: 2 }), req('e1', day, { n: 1 })];
    const b = [a[1]!, a[0]!];
    expect(objectKey('p/', 'ndjson', a)).toBe(objectKey('p/', 'ndjson', b));
    expect(objectKey('p/', 'ndjson', a)).toMatch(/^p\/2026\/12\/07\/e1\+1-[0-9a-f]{16}\.ndjson$/);
    expect(objectBody('ndjson', a)).toBe(objectBody('ndjson', b));
  });

  it('given other deliveries, when keyed, then the key differs', () => {
    expect(objectKey('p', 'ndjson', [req('e1', day, {}), req('e2', day, {})])).not.toBe(objectKey('p', 'ndjson', [req('e1', day, {}), req('e3', day, {})]));
  });

  it('given a format, when written, then ndjson is a record a line and json an array', () => {
    const batch = [req('e1', day, { n: 1 }), req('e2', day, { n: 2 })];
    const lines = objectBody('ndjson', batch).trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.id, l.data])).toEqual([['e1', { n: 1 }], ['e2', { n: 2 }]]);
    expect(JSON.parse(objectBody('json', batch))).toEqual(lines);
    expect(lines[0]).toMatchObject({ dispatchId: 'd-e1', eventType: 'x.y', createdAt: '2026-12-07T06:00:00.000Z' });
  });
});
