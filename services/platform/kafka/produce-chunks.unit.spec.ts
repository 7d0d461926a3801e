import { describe, expect, it } from 'vitest';
import { produceChunks, recordBytes } from './produce-chunks.ts';

const record = (topic: string, n: number, valueBytes: number) => ({ topic, message: { key: `k${String(n).padStart(3, '0')}`, value: Buffer.alloc(valueBytes, n % 256), headers: { type: 'T' } } });
const keysOf = (chunk: ReturnType<typeof produceChunks>[number], topic: string) => chunk.find((t) => t.topic === topic)?.messages.map((m) => m.key) ?? [];

describe('produce requests of bounded size', () => {
  it('given records within the budget, when chunked, then one request grouped by topic in the given order', () => {
    const chunks = produceChunks([record('a', 1, 10), record('b', 2, 10), record('a', 3, 10)], 1_000);
    expect(chunks).toHaveLength(1);
    expect(keysOf(chunks[0]!, 'a')).toEqual(['k001', 'k003']);
    expect(keysOf(chunks[0]!, 'b')).toEqual(['k002']);
  });

  it('given more bytes than the budget, when chunked, then consecutive requests within it that keep each topic in order', () => {
    const records = Array.from({ length: 50 }, (_, i) => record(i % 2 ? 'a' : 'b', i, 100));
    const budget = 5 * recordBytes(records[0]!.message);
    const chunks = produceChunks(records, budget);
    expect(chunks).toHaveLength(10);
    for (const chunk of chunks) {
      expect(chunk.flatMap((t) => t.messages).reduce((n, m) => n + recordBytes(m), 0)).toBeLessThanOrEqual(budget);
    }
    for (const topic of ['a', 'b']) {
      expect(chunks.flatMap((c) => keysOf(c, topic))).toEqual(records.filter((r) => r.topic === topic).map((r) => r.message.key));
    }
  });

  it('given a record larger than the budget, when chunked, then it goes alone, between its neighbours', () => {
    const chunks = produceChunks([record('a', 1, 10), record('a', 2, 5_000), record('a', 3, 10)], 1_000);
    expect(chunks.map((c) => keysOf(c, 'a'))).toEqual([['k001'], ['k002'], ['k003']]);
  });

  it('given no records, when chunked, then no request', () => {
    expect(produceChunks([])).toEqual([]);
  });
});
