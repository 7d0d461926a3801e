import { describe, expect, it } from 'vitest';
import { FreshCache } from './fresh.ts';

const settle = () => new Promise((r) => setImmediate(r));

describe('FreshCache', () => {
  const setup = () => {
    let t = 0;
    const reads: string[] = [];
    const gates: Array<() => void> = [];
    const cache = new FreshCache<string, string>(1_000, async (k) => {
      reads.push(k);
      await new Promise<void>((r) => gates.push(r));
      return `${k}@${reads.length}`;
    }, () => t);
    return { cache, reads, open: () => gates.splice(0).forEach((g) => g()), at: (ms: number) => { t = ms; } };
  };

  it('given many callers at once, then one read answers them all', async () => {
    const { cache, reads, open } = setup();
    const answers = Promise.all([cache.get('a'), cache.get('a'), cache.get('a')]);
    open();
    expect(await answers).toEqual(['a@1', 'a@1', 'a@1']);
    expect(reads).toEqual(['a']);
  });

  it('given an answer younger than the period, then it is given again; older, then a new read', async () => {
    const { cache, reads, open, at } = setup();
    const first = cache.get('a');
    open();
    await first;
    at(999);
    expect(await cache.get('a')).toBe('a@1');
    at(1_000);
    const second = cache.get('a');
    open();
    expect(await second).toBe('a@2');
    expect(reads).toEqual(['a', 'a']);
  });

  it('given a read slower than the period, then callers wait for it instead of starting another', async () => {
    const { cache, reads, open, at } = setup();
    const first = cache.get('a');
    at(5_000);
    const again = cache.get('a');
    open();
    expect(await Promise.all([first, again])).toEqual(['a@1', 'a@1']);
    expect(reads).toEqual(['a']);
  });

  it('given a failed read, then the next caller reads again', async () => {
    let fail = true;
    const cache = new FreshCache<string, number>(1_000, async () => { if (fail) throw new Error('broker away'); return 1; }, () => 0);
    await expect(cache.get('a')).rejects.toThrow('broker away');
    await settle();
    fail = false;
    expect(await cache.get('a')).toBe(1);
  });

  it('given keys, then each is read and kept apart', async () => {
    const { cache, open } = setup();
    const both = Promise.all([cache.get('a'), cache.get('b')]);
    open();
    expect(await both).toEqual(['a@2', 'b@2']);
  });
});
