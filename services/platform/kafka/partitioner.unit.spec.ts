import { randomBytes, randomUUID } from 'node:crypto';
import { Partitioners, type PartitionerArgs } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { kafkaPartitioner } from './partitioner.ts';

const metadata = (count: number, leaderless: number[] = []): PartitionerArgs['partitionMetadata'] =>
  Array.from({ length: count }, (_, partitionId) => ({
    partitionId, leader: leaderless.includes(partitionId) ? -1 : 0, partitionErrorCode: 0, replicas: [0], isr: [0],
  }));

describe('kafkaPartitioner', () => {
  it('puts every keyed record where kafkajs (and the Java client) would', () => {
    const ours = kafkaPartitioner();
    const theirs = Partitioners.DefaultPartitioner();
    const keys: Array<string | Buffer> = [
      '', 'a', 'ab', 'abc', 'abcd', 'abcde', 'grüße', '日本語のキー', 'x'.repeat(1_000),
      ...Array.from({ length: 2_000 }, () => randomUUID()),
      ...Array.from({ length: 500 }, (_, i) => randomBytes(i % 67)),
    ];
    let compared = 0;
    for (const count of [1, 2, 3, 6, 12, 16, 100]) {
      const partitionMetadata = metadata(count);
      for (const key of keys) {
        const args = { topic: 't', partitionMetadata, message: { key, value: null } };
        expect(ours(args)).toBe(theirs(args));
        compared++;
      }
    }
    expect(compared).toBe(7 * keys.length);
  });

  it('keeps an explicit partition', () => {
    const args = { topic: 't', partitionMetadata: metadata(6), message: { key: 'k', partition: 4, value: null } };
    expect(kafkaPartitioner()(args)).toBe(4);
  });

  it('spreads keyless records round robin over the partitions with a leader', () => {
    const partition = kafkaPartitioner();
    const partitionMetadata = metadata(6, [1, 4]);
    const seen = Array.from({ length: 40 }, () => partition({ topic: 't', partitionMetadata, message: { value: null } }));
    expect(new Set(seen)).toEqual(new Set([0, 2, 3, 5]));
    // Consecutive records take consecutive available partitions.
    const order = [0, 2, 3, 5];
    for (let i = 1; i < seen.length; i++) expect(order.indexOf(seen[i]!)).toBe((order.indexOf(seen[i - 1]!) + 1) % 4);
  });
});
