import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.ts';

/** A run that records each group and finishes when told to. */
function recorder() {
  const groups: number[][] = [];
  const finish: Array<() => void> = [];
  const run = (items: number[]) => new Promise<string[]>((resolve) => {
    groups.push(items);
    finish.push(() => resolve(items.map((i) => `r${i}`)));
  });
  return { groups, finish, run };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('GroupCommit', () => {
  it('runs a lone caller after the turn of the loop, and groups the callers that arrive while a group is in flight', async () => {
    const { groups, finish, run } = recorder();
    const g = new GroupCommit(run);
    const a = g.submit([1]);
    expect(groups).toEqual([]); // not yet: callers of this same turn may still join
    await tick();
    expect(groups).toEqual([[1]]);
    const b = g.submit([2, 3]);
    const c = g.submit([4]);
    await tick();
    expect(groups).toHaveLength(1); // b and c wait for the group in flight
    finish[0]!();
    expect(await a).toEqual(['r1']);
    await tick();
    expect(groups).toEqual([[1], [2, 3, 4]]);
    finish[1]!();
    expect(await b).toEqual(['r2', 'r3']);
    expect(await c).toEqual(['r4']);
  });

  it('keeps a group within maxItems without splitting a caller, and a caller larger than it goes alone', async () => {
    const { groups, finish, run } = recorder();
    const g = new GroupCommit(run, 3);
    const first = g.submit([0]);
    const rest = [g.submit([1, 2]), g.submit([3, 4]), g.submit([5, 6, 7, 8])];
    await tick();
    for (let i = 0; i < 3; i++) { finish[i]!(); await first; await tick(); }
    expect(groups).toEqual([[0, 1, 2], [3, 4], [5, 6, 7, 8]]);
    expect(await first).toEqual(['r0']);
    expect(await Promise.all(rest)).toEqual([['r1', 'r2'], ['r3', 'r4'], ['r5', 'r6', 'r7', 'r8']]);
  });

  it('groups the callers of one turn of the loop', async () => {
    const { groups, finish, run } = recorder();
    const g = new GroupCommit(run);
    const all = [g.submit([1]), g.submit([2]), g.submit([3])];
    await tick();
    expect(groups).toEqual([[1, 2, 3]]);
    finish[0]!();
    expect(await Promise.all(all)).toEqual([['r1'], ['r2'], ['r3']]);
  });

  it('fails every caller of a failed group, and the next group still runs', async () => {
    let calls = 0;
    const g = new GroupCommit(async (items: number[]) => {
      calls++;
      if (calls === 2) throw new Error('refused');
      await tick();
      return items;
    });
    const a = g.submit([1]);
    await tick(); // a in flight: b and c make the next group
    const b = g.submit([2]);
    const c = g.submit([3]);
    expect(await a).toEqual([1]);
    await expect(b).rejects.toThrow('refused');
    await expect(c).rejects.toThrow('refused');
    expect(await g.submit([4])).toEqual([4]);
  });
});
