import { randomInt } from 'node:crypto';
import type { ICustomPartitioner } from 'kafkajs';
import murmurhash from 'murmurhash';

/** The seed of Kafka's murmur2 (the Java client's Utils.murmur2, which kafkajs copies). */
const KAFKA_MURMUR2_SEED = 0x9747b28c;

/**
 * Kafka's default partitioner, with the same answers as kafkajs's DefaultPartitioner (and the
 * Java client's): a keyed record goes to murmur2(key bytes), made positive, modulo the topic's
 * partition count; a keyless one goes round robin over the partitions that have a leader.
 *
 * kafkajs hashes with 64-bit Long objects, several allocations per 4 bytes of key: on a flood of
 * ingest that was 3-6 % of the main thread's time (murmur2 and the Long arithmetic under it).
 * murmurhash's v2 is the same MurmurHash2 in 32-bit integer arithmetic.
 */
export const kafkaPartitioner: ICustomPartitioner = () => {
  const counters = new Map<string, number>();
  return ({ topic, partitionMetadata, message }) => {
    if (message.partition !== null && message.partition !== undefined) return message.partition;
    if (message.key !== null && message.key !== undefined) {
      const key = typeof message.key === 'string' ? Buffer.from(message.key) : message.key;
      return (murmurhash.v2(key, KAFKA_MURMUR2_SEED) & 0x7fffffff) % partitionMetadata.length;
    }
    const next = (counters.get(topic) ?? randomInt(2 ** 31)) + 1;
    counters.set(topic, next);
    const available = partitionMetadata.filter((p) => p.leader >= 0);
    if (available.length === 0) return (next & 0x7fffffff) % partitionMetadata.length;
    return available[(next & 0x7fffffff) % available.length]!.partitionId;
  };
};
