import { sql } from 'slonik';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { projectionFixture } from '../../test/support/mittr.ts';
import { redeliverySpec } from '../../test/support/redelivery.ts';
import type { EventTypeEvent } from '../../services/event-types/domain/messages.ts';
import { eventTypesProjection } from './projector.ts';

const T = 1_700_000_000_000;
const ids = { eventTypeId: '6f1c8a52-3c1e-4d8e-9a51-0d7c2b3e4f10', accountId: '0b7e6c1a-6f0e-4f43-8f57-7d2e1b9b6a01', projectId: '3d0c9b1e-5a7f-4c2d-8e6b-1f2a3b4c5d6e' };
const definition = { name: 'order.created', description: '', schema: '{"type":"object"}', schemaVersion: '1.0', examplePayload: null, deprecated: false };
const history: EventTypeEvent[] = [
  { type: 'EventTypeCreated', ...ids, version: 1, definition, at: T },
  { type: 'EventTypeUpdated', ...ids, version: 2, definition: { ...definition, description: 'v2' }, at: T + 1 },
  { type: 'EventTypeDeleted', ...ids, version: 3, at: T + 2 },
];
const other = { ...ids, eventTypeId: '2e1d0c9b-8a7f-4e6d-9c5b-4a3f2e1d0c9b' };
const row = z.object({ name: z.string(), deleted: z.boolean(), state: z.unknown(), updated_at: z.number() });

describe('event-types projection', () => {
  const { db, apply } = projectionFixture(eventTypesProjection({ eventTypes: 'event-types' }));
  const read = () => db().one(sql.type(row)`SELECT name, deleted, state, updated_at FROM event_types WHERE id = ${ids.eventTypeId}`);

  it('folds each event once: delivering every event twice changes nothing', async () => {
    await apply(history.slice(0, 2));
    const once = await read();
    expect(once).toMatchObject({ name: 'order.created', deleted: false, updated_at: T + 1, state: { version: 2, definition: { description: 'v2' } } });
    await apply(history.slice(0, 2));
    await apply([history[0]!]);
    expect(await read()).toEqual(once);
    await apply(history);
    await apply(history);
    expect(await read()).toMatchObject({ deleted: true, state: { version: 3, deleted: true, definition: { description: 'v2' } } });
  });
});

describe('event-types projection under redelivery', () => {
  redeliverySpec(eventTypesProjection({ eventTypes: 'event-types' }), [
    [history[0]!, { type: 'EventTypeCreated', ...other, version: 1, definition: { ...definition, name: 'order.paid' }, at: T + 1 }],
    [history[1]!, { type: 'EventTypeUpdated', ...other, version: 2, definition: { ...definition, name: 'order.paid', deprecated: true }, at: T + 2 }],
    [history[2]!],
  ]);
});
