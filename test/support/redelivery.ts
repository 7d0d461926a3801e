import { sql, type DatabasePool } from 'slonik';
import { expect, it } from 'vitest';
import { z } from 'zod';
import type { DomainEvent } from '../../services/capabilities.ts';
import { applyAtPositions, type Positioned, type Projection } from '../../services/platform/projection/runner.ts';
import { projectionFixture } from './mittr.ts';

type Snapshot = Record<string, string[]>;
const rowText = z.object({ r: z.string() });

/** One redelivery check: throws (an expect failing) when the projection fails it. */
export type RedeliveryCheck = { name: string; run: () => Promise<void> };

/** The partition the history is delivered from, when delivered at positions. */
const PARTITION = 0;

/**
 * The at-least-once spec every projector has (STYLE 5): Kafka delivers again whatever a crash or
 * a rebalance left uncommitted. `history` is a realistic log of the projector's events, as the
 * batches a consumer would get; it is applied to a migrated schema of its own (real Postgres) and
 * every table the projection owns is compared, row for row and column for column, after each way
 * of delivering it again (redeliveryChecks).
 */
export function redeliverySpec(projection: Projection, history: DomainEvent[][]): void {
  const { db } = projectionFixture(projection);
  for (const check of redeliveryChecks(projection, history, db)) it(`${projection.name}: ${check.name}`, check.run);
}

/**
 * The checks of redeliverySpec, run against `db` (a migrated schema). A projection that is
 * idempotent by itself is delivered its events again anywhere:
 * - the whole history again, and then any one event of it again, alone;
 * - each event twice in a row (in two transactions, and twice within one batch);
 * - a redelivery from the start after each event (a consumer that restarted from an older position).
 * A projection applied once per position (Projection.oncePerPosition: it counts) is delivered
 * through the runner's exactly-once step (applyAtPositions), each record at its offset in one
 * partition, and redelivery is the same records at the same offsets again, as Kafka redelivers:
 * the same three checks (an offset occurs once in a fetched batch, so not twice within one), and
 * each batch first applied in a transaction that rolls back (a crash before the commit) and
 * then again, which catches a write that escapes the transaction the checkpoint commits in.
 */
export function redeliveryChecks(projection: Projection, history: DomainEvent[][], db: () => DatabasePool): RedeliveryCheck[] {
  const byPosition = projection.oncePerPosition === true;
  const topic = projection.topics[0] ?? 'redelivery';
  let offset = 0;
  const positioned: Positioned[][] = history.map((batch) => batch.map((event) => ({ offset: String(offset++), event })));
  const records = positioned.flat();
  const apply = (batch: readonly Positioned[]) => db().transaction((tx) => (byPosition
    ? applyAtPositions(tx, projection, topic, PARTITION, batch)
    : projection.apply(tx, batch.map((m) => m.event))));
  const snapshot = async (): Promise<Snapshot> => {
    const out: Snapshot = {};
    for (const table of projection.tables) {
      const rows = await db().anyFirst(sql.type(rowText)`SELECT row_to_json(t)::text AS r FROM ${sql.identifier([table])} t`);
      out[table] = [...rows].sort();
    }
    return out;
  };
  const reset = async () => {
    await db().query(sql.unsafe`TRUNCATE ${sql.join(projection.tables.map((t) => sql.identifier([t])), sql.fragment`, `)}`);
    await db().query(sql.unsafe`DELETE FROM projection_checkpoints WHERE projector = ${projection.name}`);
  };
  const applyAll = async (batches: Positioned[][]) => {
    for (const batch of batches) await apply(batch);
  };
  /** The read model of the history applied once, as it came. */
  const once = async () => {
    await reset();
    await applyAll(positioned);
    return snapshot();
  };
  const what = byPosition ? 'record at its position' : 'event';

  const checks: RedeliveryCheck[] = [
    {
      name: `the history again, or any one ${what} of it again afterwards, changes nothing`,
      run: async () => {
        const expected = await once();
        for (const table of projection.tables) expect(expected[table], `rows of ${table} (the history should fill every table)`).not.toEqual([]);
        await applyAll(positioned);
        expect(await snapshot()).toEqual(expected);
        for (const [i, m] of records.entries()) {
          await apply([m]);
          expect(await snapshot(), `after ${what} ${i} (${m.event.type}) again`).toEqual(expected);
        }
      },
    },
    {
      name: `each ${what} twice in a row changes nothing`,
      run: async () => {
        const expected = await once();
        await reset();
        for (const m of records) {
          await apply([m]);
          await apply([m]);
        }
        expect(await snapshot(), `each ${what} in two transactions`).toEqual(expected);
        if (byPosition) return;
        await reset();
        await applyAll(positioned.map((batch) => batch.flatMap((m) => [m, m])));
        expect(await snapshot(), 'each event twice within its batch').toEqual(expected);
      },
    },
    {
      name: `a redelivery from the start after any ${what} changes nothing`,
      run: async () => {
        const expected = await once();
        for (let upTo = 1; upTo <= records.length; upTo++) {
          await reset();
          for (const m of records.slice(0, upTo)) await apply([m]);
          await apply(records.slice(0, upTo));
          await apply(records.slice(upTo));
          expect(await snapshot(), `redelivered from the start after ${what} ${upTo - 1} (${records[upTo - 1]!.event.type})`).toEqual(expected);
        }
      },
    },
  ];
  if (byPosition) {
    checks.push({
      name: 'each batch applied in a transaction that rolls back, then again, changes nothing',
      run: async () => {
        const expected = await once();
        await reset();
        const crash = new Error('crashed before the commit');
        for (const batch of positioned) {
          await expect(db().transaction(async (tx) => {
            await applyAtPositions(tx, projection, topic, PARTITION, batch);
            throw crash;
          })).rejects.toBe(crash);
          await apply(batch);
        }
        expect(await snapshot(), 'each batch rolled back once, then applied').toEqual(expected);
      },
    });
  }
  return checks;
}

/**
 * Delivery at positions, for a oncePerPosition projection's own specs: `deliver` gives a batch
 * the next offsets of one partition and applies it as the runner would (applyAtPositions);
 * `redeliver` applies records at the positions they were given again.
 */
export function atPositions(projection: Projection, db: () => DatabasePool) {
  const topic = projection.topics[0] ?? 'redelivery';
  let next = 0;
  const redeliver = (batch: readonly Positioned[]) => db().transaction((tx) => applyAtPositions(tx, projection, topic, PARTITION, batch));
  return {
    redeliver,
    deliver: async (batch: readonly DomainEvent[]): Promise<Positioned[]> => {
      const records = batch.map((event) => ({ offset: String(next++), event }));
      await redeliver(records);
      return records;
    },
  };
}
