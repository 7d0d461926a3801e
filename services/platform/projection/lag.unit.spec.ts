import { describe, expect, it } from 'vitest';
import { behind, groupLag, projectionLag, type TopicEnds } from './lag.ts';

const ends: TopicEnds = new Map([
  ['t.events', new Map([[0, { low: 0n, high: 100n }], [1, { low: 0n, high: 40n }]])],
  ['t.dispatch', new Map([[0, { low: 50n, high: 80n }]])],
]);

describe('behind', () => {
  it('given a position inside the partition, then the records from it to the end', () => {
    expect(behind({ low: 0n, high: 100n }, 90n)).toBe(10n);
    expect(behind({ low: 0n, high: 100n }, 100n)).toBe(0n);
  });
  it('given nothing consumed, then every record kept is ahead', () => {
    expect(behind({ low: 50n, high: 80n }, null)).toBe(30n);
  });
  it('given a position below what retention kept, then only the kept records; past the end, none', () => {
    expect(behind({ low: 50n, high: 80n }, 10n)).toBe(30n);
    expect(behind({ low: 0n, high: 100n }, 150n)).toBe(0n);
  });
});

describe('groupLag', () => {
  it('given committed offsets, then the records between them and the ends, summed', () => {
    expect(groupLag(ends, [
      { topic: 't.events', partitions: [{ partition: 0, offset: '95' }, { partition: 1, offset: '-1' }] },
      { topic: 't.dispatch', partitions: [{ partition: 0, offset: '70' }] },
    ])).toBe(5 + 40 + 10);
  });
  it('given a topic whose ends are unknown (gone), then it counts nothing', () => {
    expect(groupLag(ends, [{ topic: 't.gone', partitions: [{ partition: 0, offset: '1' }] }])).toBe(0);
  });
});

describe('projectionLag', () => {
  it('given checkpoints for some partitions, then every partition of its topics counts, from the start where none', () => {
    expect(projectionLag(ends, ['t.events'], new Map([['t.events:0', 98n]]))).toBe(2 + 40);
    expect(projectionLag(ends, ['t.events', 't.dispatch'], new Map([['t.events:0', 100n], ['t.events:1', 40n], ['t.dispatch:0', 80n]]))).toBe(0);
  });
});
