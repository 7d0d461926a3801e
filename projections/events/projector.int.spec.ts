import { randomUUID } from 'node:crypto';
import { sql } from 'slonik';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { projectionFixture } from '../../test/support/mittr.ts';
import type { DeliveryAttempted } from '../../services/deliveries/domain/messages.ts';
import type { DomainEvent } from '../../services/capabilities.ts';
import type { EventAccepted, EventEdited, EventReplayed, EventRouted } from '../../services/events/domain/messages.ts';
import { redeliverySpec } from '../../test/support/redelivery.ts';
import { eventsProjection } from './projector.ts';

const T = 1_700_000_000_000;
const project = { accountId: randomUUID(), projectId: randomUUID() };
const row = z.object({ status: z.string(), attempts: z.number(), delivered_at: z.number().nullable() });

const accepted = (eventId: string): EventAccepted => ({
  type: 'EventAccepted', eventId, ...project, idempotencyKey: eventId, destination: 'http://127.0.0.1:9/x', eventType: null,
  payload: '{}', headers: {}, maxAttempts: 3, priority: 5, delaySeconds: 0, createdAt: T, maxAttemptsSet: false, configOffset: 0,
});
const routed = (eventId: string, dispatchIds: string[]): EventRouted => ({
  type: 'EventRouted', eventId, ...project, routedAt: T + 10,
  destinations: dispatchIds.map((dispatchId) => ({ dispatchId, endpointId: null, url: 'http://127.0.0.1:9/x' })),
});
const attempted = (eventId: string, dispatchId: string, disposition: 'delivered' | 'retry' | 'dead', attemptNumber = 1, at = T + 20): DeliveryAttempted => ({
  type: 'DeliveryAttempted', attemptId: randomUUID(), dispatchId, eventId, ...project, endpointId: null, eventType: null,
  url: 'http://127.0.0.1:9/x', attemptNumber, maxAttempts: 3, outcome: disposition === 'delivered' ? 'success' : 'failure',
  disposition, statusCode: disposition === 'delivered' ? 200 : 500, responseBody: '', error: '', errorCategory: null,
  durationMs: 3, processingOverheadUs: 50, attemptedAt: at, nextAttemptAt: null, eventCreatedAt: T,
} as DeliveryAttempted);

/**
 * A log of every kind of event: a retried delivery; a fan-out that died, was edited and replayed
 * and then delivered; an outcome projected before its routing (another topic); no destinations.
 */
function history(): DomainEvent[][] {
  const [direct, fanout, early, none] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const [d1, d2, d3, d4, d5] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const edited: EventEdited = { type: 'EventEdited', eventId: fanout, ...project, destination: null, payload: '{"fixed":true}', headers: { 'x-edit': '1' }, editedAt: T + 5_000 };
  const replayed: EventReplayed = {
    type: 'EventReplayed', eventId: fanout, ...project, eventType: 'order.created', destination: null, payload: '{"fixed":true}',
    headers: { 'x-edit': '1' }, maxAttempts: 3, priority: 5, targets: [{ endpointId: null, url: 'http://127.0.0.1:9/x' }], createdAt: T, replayedAt: T + 5_000,
  };
  return [
    [accepted(direct), accepted(fanout), routed(direct, [d1]), routed(fanout, [d2, d3])],
    [attempted(direct, d1, 'retry', 1, T + 20), attempted(fanout, d2, 'delivered', 1, T + 21), attempted(fanout, d3, 'retry', 1, T + 22)],
    [attempted(early, d5, 'delivered', 1, T + 30), attempted(direct, d1, 'delivered', 2, T + 1_020), attempted(fanout, d3, 'dead', 2, T + 1_022)],
    [accepted(early), accepted(none), routed(none, [])],
    [routed(early, [d5]), edited, replayed],
    [{ ...routed(fanout, [d4]), routedAt: T + 5_010 }],
    [attempted(fanout, d4, 'delivered', 1, T + 5_020)],
  ];
}

describe('events projection', () => {
  const { db, apply } = projectionFixture(eventsProjection({ events: 'events', outcomes: 'outcomes' }));
  const read = (id: string) => db().one(sql.type(row)`
    SELECT status, attempts, (extract(epoch FROM delivered_at) * 1000)::float8 AS delivered_at FROM events WHERE id = ${id}`);

  it('keeps a freshly routed event queued and marks an event without destinations delivered', async () => {
    const fresh = randomUUID();
    const none = randomUUID();
    await apply([accepted(fresh), accepted(none), routed(fresh, [randomUUID()]), routed(none, [])]);
    expect(await read(fresh)).toEqual({ status: 'queued', attempts: 0, delivered_at: null });
    expect(await read(none)).toEqual({ status: 'delivered', attempts: 0, delivered_at: T + 10 });
  });

  it('settles an event whose outcome was projected before its routing (another topic), in one batch or two', async () => {
    const apart = randomUUID();
    const together = randomUUID();
    const partly = randomUUID();
    const [d1, d2, d3, d4] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await apply([attempted(apart, d1, 'delivered'), attempted(partly, d3, 'retry')]);
    await apply([accepted(apart), accepted(partly)]);
    await apply([routed(apart, [d1]), routed(partly, [d3, d4])]);
    await apply([accepted(together), attempted(together, d2, 'delivered'), routed(together, [d2])]);
    expect(await read(apart)).toEqual({ status: 'delivered', attempts: 1, delivered_at: T + 20 });
    expect(await read(together)).toEqual({ status: 'delivered', attempts: 1, delivered_at: T + 20 });
    expect(await read(partly)).toMatchObject({ status: 'failed', attempts: 1 });
  });
  it('stores text exactly as sent: quotes, backslashes, control characters, non-ASCII and braces', async () => {
    const id = randomUUID();
    const dispatchId = randomUUID();
    const odd = 'q"uo\\te \\"x\\u0041 {a,b} NULL \n\t\r é 漢 😀 \u0001';
    const payload = JSON.stringify({ text: odd, nested: { list: [odd, null, 1.5] } });
    await apply([
      { ...accepted(id), idempotencyKey: odd, payload, headers: { 'x-odd': odd }, eventType: odd },
      { ...routed(id, [dispatchId]), destinations: [{ dispatchId, endpointId: null, url: `http://127.0.0.1:9/${odd}` }] },
      { ...attempted(id, dispatchId, 'delivered'), responseBody: odd, error: odd, url: `http://127.0.0.1:9/${odd}` } as DeliveryAttempted,
    ]);
    const stored = await db().one(sql.type(z.object({ key: z.string(), payload: z.string(), headers: z.record(z.string(), z.string()), event_type: z.string() }))`
      SELECT idempotency_key AS key, payload::text AS payload, headers, event_type FROM events WHERE id = ${id}`);
    expect(stored).toEqual({ key: odd, payload, headers: { 'x-odd': odd }, event_type: odd });
    const attempt = await db().one(sql.type(z.object({ response_body: z.string(), error: z.string(), url: z.string() }))`
      SELECT response_body, error, url FROM delivery_attempts WHERE event_id = ${id}`);
    expect(attempt).toEqual({ response_body: odd, error: odd, url: `http://127.0.0.1:9/${odd}` });
    const dest = await db().oneFirst(sql.type(z.object({ url: z.string() }))`SELECT url FROM event_destinations WHERE dispatch_id = ${dispatchId}`);
    expect(dest).toBe(`http://127.0.0.1:9/${odd}`);
  });
});

describe('events projection under redelivery', () => {
  redeliverySpec(eventsProjection({ events: 'events', outcomes: 'outcomes' }), history());
});
