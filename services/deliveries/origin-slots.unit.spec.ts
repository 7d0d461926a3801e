import { describe, expect, it } from 'vitest';
import { OriginSlots } from './origin-slots.ts';

/** A task that stays running until released; records when it started. */
function gate(log: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((r) => { release = r; });
  return { fn: async () => { log.push(name); await done; return name; }, release };
}

/** Lets started tasks run up to their first wait. */
const settle = () => new Promise((r) => setTimeout(r, 5));

describe('OriginSlots', () => {
  it('runs at most perOrigin attempts per origin and starts the next when one ends', async () => {
    const slots = new OriginSlots(2);
    const log: string[] = [];
    const g = ['a', 'b', 'c'].map((n) => gate(log, n));
    const runs = g.map((x) => slots.run('http://127.0.0.1:9/x', 0, x.fn));
    await settle();
    expect(log).toEqual(['a', 'b']);
    g[0]!.release();
    await runs[0];
    await settle();
    expect(log).toEqual(['a', 'b', 'c']);
    g[1]!.release();
    g[2]!.release();
    expect(await Promise.all(runs)).toEqual(['a', 'b', 'c']);
  });

  it('keeps origins apart: paths share a slot, another port does not', async () => {
    const slots = new OriginSlots(1);
    const log: string[] = [];
    const first = gate(log, 'first');
    const samePath = gate(log, 'same-origin');
    const otherPort = gate(log, 'other-port');
    const runs = [
      slots.run('http://127.0.0.1:9/a', 0, first.fn),
      slots.run('http://127.0.0.1:9/b?q=1', 0, samePath.fn),
      slots.run('http://127.0.0.1:10/a', 0, otherPort.fn),
    ];
    await settle();
    expect(log).toEqual(['first', 'other-port']);
    for (const g of [first, samePath, otherPort]) g.release();
    await Promise.all(runs);
    expect(log).toEqual(['first', 'other-port', 'same-origin']);
  });

  it('lets a waiting higher-priority attempt go before lower ones that came first', async () => {
    const slots = new OriginSlots(1);
    const log: string[] = [];
    const busy = gate(log, 'busy');
    const low = gate(log, 'low');
    const high = gate(log, 'high');
    const runs = [slots.run('http://h/', 0, busy.fn), slots.run('http://h/', 0, low.fn), slots.run('http://h/', 2, high.fn)];
    await settle();
    busy.release();
    high.release();
    low.release();
    await Promise.all(runs);
    expect(log).toEqual(['busy', 'high', 'low']);
  });

  it('frees a slot when the attempt throws, and forgets idle origins', async () => {
    const slots = new OriginSlots(1);
    await expect(slots.run('http://h/', 0, async () => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(await slots.run('http://h/', 0, async () => 'next')).toBe('next');
    expect(slots.origins).toBe(0);
  });
});
