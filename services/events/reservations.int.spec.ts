import { randomUUID } from 'node:crypto';
import { sql } from 'slonik';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { eventsProjection } from '../../projections/events/projector.ts';
import { projectionFixture } from '../../test/support/mittr.ts';
import type { EventAccepted } from './domain/messages.ts';
import { IdempotencyKeys } from './reservations.ts';

/** Only what the reservations read of an event. */
const sent = (projectId: string, idempotencyKey: string) => ({ projectId, idempotencyKey, eventId: randomUUID() }) as EventAccepted;

describe('idempotency keys: reservations and marks group committed in one statement', () => {
  // Any projection's fixture gives a migrated schema (idempotency_keys included).
  const { db } = projectionFixture(eventsProjection({ events: 'events', outcomes: 'outcomes' }));
  const rowOf = (projectId: string, key: string) => db().maybeOne(sql.type(z.object({ event_id: z.string(), written: z.boolean() }))`
    SELECT event_id, written FROM idempotency_keys WHERE project_id = ${projectId} AND key = ${key}`);

  it('marks some keys and reserves others in one group, across projects', async () => {
    const keys = new IdempotencyKeys(db());
    const [p1, p2] = [randomUUID(), randomUUID()];
    const first = [sent(p1, 'a'), sent(p2, 'a')];
    expect(await Promise.all(first.map((e) => keys.reserve([e])))).toEqual([[], []]);
    // One in flight, so the marks and the next reservations wait and travel together.
    const inFlight = keys.reserve([sent(p1, 'x')]);
    const marks = keys.markWritten(first);
    const fresh = [sent(p1, 'b'), sent(p2, 'b')];
    const reserved = fresh.map((e) => keys.reserve([e]));
    expect(await inFlight).toEqual([]);
    await marks;
    expect(await Promise.all(reserved)).toEqual([[], []]);
    expect(await rowOf(p1, 'a')).toEqual({ event_id: first[0]!.eventId, written: true });
    expect(await rowOf(p2, 'a')).toEqual({ event_id: first[1]!.eventId, written: true });
    expect(await rowOf(p2, 'b')).toEqual({ event_id: fresh[1]!.eventId, written: false });
  });

  it('answers a retry of a key marked in the same statement as taken by the written event', async () => {
    const keys = new IdempotencyKeys(db());
    const p = randomUUID();
    const original = sent(p, 'k');
    expect(await keys.reserve([original])).toEqual([]);
    const inFlight = keys.reserve([sent(p, 'other')]);
    const mark = keys.markWritten([original]);
    const retry = keys.reserve([sent(p, 'k')]);
    await Promise.all([inFlight, mark]);
    expect(await retry).toEqual([{ key: 'k', eventId: original.eventId, settled: true }]);
    expect(await rowOf(p, 'k')).toEqual({ event_id: original.eventId, written: true });
  });

  it('records a mark whose reservation is gone, for the event that was written', async () => {
    const keys = new IdempotencyKeys(db());
    const p = randomUUID();
    const lost = sent(p, 'gone');
    const inFlight = keys.reserve([sent(p, 'y')]);
    const mark = keys.markWritten([lost]);
    const fresh = keys.reserve([sent(p, 'z')]);
    await Promise.all([inFlight, mark, fresh]);
    expect(await rowOf(p, 'gone')).toEqual({ event_id: lost.eventId, written: true });
  });
});
