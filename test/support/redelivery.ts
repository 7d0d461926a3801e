import { sql } from 'slonik';
import { expect, it } from 'vitest';
import { z } from 'zod';
import type { DomainEvent } from '../../services/capabilities.ts';
import type { Projection } from '../../services/platform/projection/runner.ts';
import { projectionFixture } from './mittr.ts';

type Snapshot = Record<string, string[]>;
const rowText = z.object({ r: z.string() });

/**
 * The at-least-once spec every projector has (STYLE 5): Kafka delivers again whatever a crash or
 * a rebalance left uncommitted, so applying an event a second time, at any point, must leave the
 * read model as it was. `history` is a realistic log of the projector's events, as the batches a
 * consumer would get; it is applied to a migrated schema of its own (real Postgres) and every
 * table the projection owns is compared, row for row and column for column, after:
 * - the whole history delivered again, and then any one event of it again, alone;
 * - each event delivered twice in a row (in two transactions, and twice within one batch);
 * - a redelivery from the start after each event (a consumer that restarted from an older position).
 */
export function redeliverySpec(projection: Projection, history: DomainEvent[][]): void {
  const { db, apply } = projectionFixture(projection);
  const events = history.flat();
  const snapshot = async (): Promise<Snapshot> => {
    const out: Snapshot = {};
    for (const table of projection.tables) {
      const rows = await db().anyFirst(sql.type(rowText)`SELECT row_to_json(t)::text AS r FROM ${sql.identifier([table])} t`);
      out[table] = [...rows].sort();
    }
    return out;
  };
  const reset = () => db().query(sql.unsafe`TRUNCATE ${sql.join(projection.tables.map((t) => sql.identifier([t])), sql.fragment`, `)}`);
  const applyAll = async (batches: DomainEvent[][]) => {
    for (const batch of batches) await apply(batch);
  };
  /** The read model of the history applied once, as it came. */
  const once = async () => {
    await reset();
    await applyAll(history);
    return snapshot();
  };

  it(`${projection.name}: the history again, or any one event of it again afterwards, changes nothing`, async () => {
    const expected = await once();
    for (const table of projection.tables) expect(expected[table], `rows of ${table} (the history should fill every table)`).not.toEqual([]);
    await applyAll(history);
    expect(await snapshot()).toEqual(expected);
    for (const [i, e] of events.entries()) {
      await apply([e]);
      expect(await snapshot(), `after event ${i} (${e.type}) again`).toEqual(expected);
    }
  });

  it(`${projection.name}: each event twice in a row changes nothing`, async () => {
    const expected = await once();
    await reset();
    for (const e of events) {
      await apply([e]);
      await apply([e]);
    }
    expect(await snapshot(), 'each event in two transactions').toEqual(expected);
    await reset();
    await applyAll(history.map((batch) => batch.flatMap((e) => [e, e])));
    expect(await snapshot(), 'each event twice within its batch').toEqual(expected);
  });

  it(`${projection.name}: a redelivery from the start after any event changes nothing`, async () => {
    const expected = await once();
    for (let upTo = 1; upTo <= events.length; upTo++) {
      await reset();
      for (const e of events.slice(0, upTo)) await apply([e]);
      await apply(events.slice(0, upTo));
      await apply(events.slice(upTo));
      expect(await snapshot(), `redelivered from the start after event ${upTo - 1} (${events[upTo - 1]!.type})`).toEqual(expected);
    }
  });
}
