import { randomBytes } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka } from './client.ts';
import { TxProducer } from './tx-producer.ts';
import { isolatedConfig } from '../../test/support/mittr.ts';

describe('the transactional producer', () => {
  const id = randomBytes(4).toString('hex');
  const topic = `txp${id}.in`;
  const groupId = `txp${id}.group`;
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    kafka = createKafka(isolatedConfig(), `txp-${id}`);
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2, replicationFactor: 1 }], waitForLeaders: true });
  });
  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('commits offsets in transactions that follow each other at once', async () => {
    // A transaction that begins with AddOffsetsToTxn right after a commit often finds the
    // coordinator still writing that commit's markers (CONCURRENT_TRANSACTIONS). kafkajs does
    // not retry that; TxProducer must, without failing the transaction.
    const producer = new TxProducer(kafka, `txp${id}`);
    await producer.connect();
    const rounds = 60;
    let failed = 0;
    try {
      for (let i = 1; i <= rounds; i++) {
        await producer.run((tx) => tx.sendOffsets({ consumerGroupId: groupId, topics: [{ topic, partitions: [{ partition: i % 2, offset: String(i) }] }] }))
          .catch(() => { failed++; });
      }
    } finally {
      await producer.disconnect();
    }
    expect(failed).toBe(0);
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    const offsets = Object.fromEntries(committed[0]!.partitions.map((p) => [p.partition, p.offset]));
    expect(offsets).toEqual({ 0: String(rounds), 1: String(rounds - 1) });
  });
});
