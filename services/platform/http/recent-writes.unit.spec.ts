import { describe, expect, it } from 'vitest';
import type { Position } from '../kafka/appender.ts';
import type { Checkpoints } from '../projection/runner.ts';
import { RecentWrites } from './context.ts';

const at = (topic: string, partition: number, offset: number): Position => ({ topic, partition, offset: String(offset) });

/** Checkpoints from a table of "projector topic partition" -> next offset. */
function checkpoints(table: Record<string, number>): Checkpoints {
  return (projector, topic, partition) => {
    const next = table[`${projector} ${topic} ${partition}`];
    return next === undefined ? undefined : BigInt(next);
  };
}

describe('RecentWrites.sweep', () => {
  it('drops an entry once its projector has passed every position, oldest first, stopping at the first not passed', () => {
    const recent = new RecentWrites();
    recent.remember('events', ['e0'], [at('events', 0, 9)]);
    recent.remember('events', ['e1', 'e2'], [at('events', 0, 10), at('events', 1, 4)]);
    recent.remember('events', ['e3'], [at('events', 0, 11)]);

    // next_offset 12 on partition 0 passes offsets 9, 10 and 11, but 4 on partition 1 is not past
    // offset 4: e0 goes, the batch stays, and e3 behind it waits for a later sweep.
    expect(recent.sweep(checkpoints({ 'events events 0': 12, 'events events 1': 4 }))).toBe(1);
    expect(recent.size).toBe(3);
    expect(recent.get('e0')).toBeUndefined();
    expect(recent.get('e3')).toBeDefined();

    expect(recent.sweep(checkpoints({ 'events events 0': 12, 'events events 1': 5 }))).toBe(3);
    expect(recent.size).toBe(0);
    expect(recent.projectors()).toEqual(new Set());
  });

  it('sweeps a long history in parts as the projector passes it, each write judged once', () => {
    const recent = new RecentWrites();
    for (let i = 0; i < 5_000; i++) recent.remember('events', [`e${i}`], [at('events', i % 3, Math.floor(i / 3))]);
    expect(recent.sweep(checkpoints({ 'events events 0': 1_000, 'events events 1': 1_000, 'events events 2': 1_000 }))).toBe(3_000);
    expect(recent.get('e2999')).toBeUndefined();
    expect(recent.get('e3000')).toBeDefined();
    expect(recent.sweep(checkpoints({ 'events events 0': 2_000, 'events events 1': 2_000, 'events events 2': 2_000 }))).toBe(2_000);
    expect(recent.size).toBe(0);
  });

  it('judges an entry by its own projector only, and a projector without a checkpoint has passed nothing', () => {
    const recent = new RecentWrites();
    recent.remember('endpoints', ['ep'], [at('endpoints', 0, 3)]);
    recent.remember('accounts', ['acc'], [at('accounts', 0, 3)]);

    // Another projector far ahead on the same topic does not count.
    expect(recent.sweep(checkpoints({ 'events endpoints 0': 100 }))).toBe(0);
    expect(recent.projectors()).toEqual(new Set(['endpoints', 'accounts']));

    expect(recent.sweep(checkpoints({ 'endpoints endpoints 0': 4 }))).toBe(1);
    expect(recent.get('ep')).toBeUndefined();
    expect(recent.get('acc')?.projector).toBe('accounts');
  });

  it('keeps the newest write of an id that a read has already forgotten the older one of', () => {
    const recent = new RecentWrites();
    recent.remember('endpoints', ['ep'], [at('endpoints', 0, 3)]);
    const older = recent.get('ep')!;
    recent.remember('endpoints', ['ep'], [at('endpoints', 0, 9)]);
    recent.forget('ep', older);
    expect(recent.get('ep')?.positions[0]?.offset).toBe('9');
    expect(recent.sweep(checkpoints({ 'endpoints endpoints 0': 4 }))).toBe(0);
    expect(recent.sweep(checkpoints({ 'endpoints endpoints 0': 10 }))).toBe(1);
  });

  it('stays bounded by its LRU size when nothing is swept', () => {
    const recent = new RecentWrites(3);
    for (let i = 0; i < 5; i++) recent.remember('events', [`e${i}`], [at('events', 0, i)]);
    expect(recent.size).toBe(3);
    expect(recent.get('e0')).toBeUndefined();
    expect(recent.get('e4')).toBeDefined();
  });

  it('bounds what a projector\'s queue holds in ids, not in writes: a stalled projector keeps no more than the cache', () => {
    const recent = new RecentWrites(4);
    recent.remember('events', ['a', 'b', 'c'], [at('events', 0, 1)]);
    recent.remember('events', ['d', 'e'], [at('events', 0, 2)]);
    // Five ids over a bound of four: the oldest write goes whole (the LRU alone would drop only a).
    expect(['a', 'b', 'c'].map((id) => recent.get(id))).toEqual([undefined, undefined, undefined]);
    expect(recent.get('d')).toBeDefined();
    expect(recent.sweep(checkpoints({ 'events events 0': 3 }))).toBe(2);
    expect(recent.projectors()).toEqual(new Set());
  });
});
