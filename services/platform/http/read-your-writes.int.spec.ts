import { sql } from 'slonik';
import { describe, expect, it } from 'vitest';
import { eventTypesProjection } from '../../../projections/event-types/projector.ts';
import { checkpointsOf } from '../projection/runner.ts';
import { eventually, projectionFixture } from '../../../test/support/mittr.ts';
import { RecentWrites } from './context.ts';
import { sweepRecentWrites } from './read-your-writes.ts';

describe('read-your-writes entries are swept once their projector has passed them', () => {
  // Any projection's fixture gives a migrated schema with projection_checkpoints.
  const { db } = projectionFixture(eventTypesProjection({ eventTypes: 'event-types' }));
  const checkpoint = (projector: string, topic: string, partition: number, next: number) => db().query(sql.unsafe`
    INSERT INTO projection_checkpoints (projector, topic, partition, next_offset) VALUES (${projector}, ${topic}, ${partition}, ${next})
    ON CONFLICT (projector, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset`);

  it('reads the checkpoints of the projectors asked for, keyed by projector, topic and partition', async () => {
    await checkpoint('events', 'events', 0, 12);
    await checkpoint('events', 'outcomes', 3, 7);
    await checkpoint('endpoints', 'endpoints', 0, 5);
    const cps = await checkpointsOf(db(), ['events']);
    expect([cps('events', 'events', 0), cps('events', 'outcomes', 3)]).toEqual([12n, 7n]);
    expect(cps('events', 'events', 1)).toBeUndefined();
    expect(cps('endpoints', 'endpoints', 0)).toBeUndefined(); // not asked for
  });

  it('drops entries as the projector moves, in the background', async () => {
    await checkpoint('accounts', 'accounts', 0, 1);
    const recent = new RecentWrites();
    recent.remember('accounts', ['a1'], [{ topic: 'accounts', partition: 0, offset: '1' }]);
    recent.remember('accounts', ['a2'], [{ topic: 'accounts', partition: 0, offset: '2' }]);
    const stop = sweepRecentWrites(recent, db(), 20);
    try {
      await new Promise((r) => setTimeout(r, 200));
      expect(recent.size).toBe(2); // next_offset 1 has not passed offset 1
      await checkpoint('accounts', 'accounts', 0, 2);
      await eventually(async () => recent.size === 1);
      expect(recent.get('a2')).toBeDefined();
      await checkpoint('accounts', 'accounts', 0, 3);
      await eventually(async () => recent.size === 0);
    } finally {
      stop();
    }
  });
});
