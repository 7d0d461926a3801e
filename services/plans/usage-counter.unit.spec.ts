import { describe, expect, it } from 'vitest';
import type { UsageKey, UsageSnapshot } from '../../projections/usage/queries.ts';
import { notYetCounted, UsageCounter } from './usage-counter.ts';

const key: UsageKey = { accountId: 'acc', month: '2026-02' };
const at = (partition: number, offset: number) => ({ topic: 'events', partition, offset: String(offset) });
const fits = (limit: number, n: number) => (used: number) => { if (used + n > limit) throw new Error('over'); };

/** A read model in memory: what `load` answers is whatever the spec sets. */
function readModel() {
  const rm = { count: 0, checkpoints: new Map<number, bigint>(), loads: 0 };
  const load = async (keys: readonly UsageKey[]): Promise<UsageSnapshot> => {
    rm.loads++;
    return { counts: new Map(keys.map((k) => [`${k.accountId}|${k.month}`, rm.count])), checkpoints: new Map(rm.checkpoints) };
  };
  return { rm, counter: new UsageCounter({ load, refreshMs: 60_000 }) };
}

describe('UsageCounter', () => {
  it('given 40 counted, when 10 are taken and appended, then 50 are used, with one query for the seed only', async () => {
    const { rm, counter } = readModel();
    rm.count = 40;
    (await counter.take(key, 10, fits(100, 10))).appended([at(0, 109)]);
    expect(await counter.used(key)).toBe(50);
    expect(rm.loads).toBe(1);
    counter.stop();
  });

  it('given concurrent takes of one remainder, when both check, then only one fits', async () => {
    const { rm, counter } = readModel();
    rm.count = 90;
    const outcomes = await Promise.allSettled([counter.take(key, 10, fits(100, 10)), counter.take(key, 10, fits(100, 10))]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(rm.loads).toBe(1);
    counter.stop();
  });

  it('given a take released (its append failed), then it no longer counts', async () => {
    const { counter } = readModel();
    (await counter.take(key, 10, fits(100, 10))).release();
    expect(await counter.used(key)).toBe(0);
    counter.stop();
  });

  it('given the projector passed half of a take, when refreshed, then it is counted once: half in the read model, half locally', async () => {
    const { rm, counter } = readModel();
    (await counter.take(key, 10, fits(100, 10))).appended([at(2, 109)]);
    rm.count = 5;
    rm.checkpoints.set(2, 105n);
    await counter.refresh();
    expect(await counter.used(key)).toBe(10);
    rm.count = 10 + 7; // all of it, and 7 from another process
    rm.checkpoints.set(2, 200n);
    await counter.refresh();
    expect(await counter.used(key)).toBe(17);
    counter.stop();
  });

  it('given a take not yet appended, when refreshed, then it stays counted whatever the checkpoints', async () => {
    const { rm, counter } = readModel();
    await counter.take(key, 10, fits(100, 10));
    rm.checkpoints.set(0, 1_000n);
    await counter.refresh();
    expect(await counter.used(key)).toBe(10);
    counter.stop();
  });

  it('given the read model going backwards (a rebuild in place), when refreshed, then the count does not drop', async () => {
    const { rm, counter } = readModel();
    rm.count = 80;
    await counter.used(key);
    rm.count = 3;
    await counter.refresh();
    expect(await counter.used(key)).toBe(80);
    counter.stop();
  });

  it('given Postgres away at a refresh, then the counts stand and the error is reported, not thrown', async () => {
    const errors: unknown[] = [];
    let fail = false;
    const counter = new UsageCounter({ load: async (keys) => {
      if (fail) throw new Error('connection refused');
      return { counts: new Map(keys.map((k) => [`${k.accountId}|${k.month}`, 4])), checkpoints: new Map() };
    }, onError: (e) => errors.push(e) });
    await counter.used(key);
    fail = true;
    await counter.refresh();
    expect([await counter.used(key), errors.length]).toEqual([4, 1]);
    counter.stop();
  });
});

describe('notYetCounted', () => {
  it('given 10 records ending at offset 109, then the checkpoint says how many the read model lacks', () => {
    const cps = (next?: bigint) => new Map(next === undefined ? [] : [[0, next]]);
    expect(notYetCounted(10, [at(0, 109)], cps())).toBe(10);
    expect(notYetCounted(10, [at(0, 109)], cps(100n))).toBe(10);
    expect(notYetCounted(10, [at(0, 109)], cps(103n))).toBe(7);
    expect(notYetCounted(10, [at(0, 109)], cps(110n))).toBe(0);
    expect(notYetCounted(10, [at(0, 109)], cps(500n))).toBe(0);
  });
  it('given records over two partitions, then they count until both are passed', () => {
    expect(notYetCounted(4, [at(0, 9), at(1, 9)], new Map([[0, 10n]]))).toBe(4);
    expect(notYetCounted(4, [at(0, 9), at(1, 9)], new Map([[0, 10n], [1, 10n]]))).toBe(0);
  });
});
