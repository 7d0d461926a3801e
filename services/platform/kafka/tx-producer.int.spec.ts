import { randomBytes } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka, ensureTopics } from './client.ts';
import { TxProducer } from './tx-producer.ts';
import { isolatedConfig } from '../../../test/support/mittr.ts';

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
    await ensureTopics(kafka, [{ name: topic, partitions: 2, config: {} }]);
  });
  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('commits offsets in transactions that follow each other at once', async () => {
    // A transaction that begins with AddOffsetsToTxn right after a commit often finds the
    // coordinator still writing that commit's markers (CONCURRENT_TRANSACTIONS). kafkajs 2.2.4
    // did not retry that and failed the transaction; the patched kafkajs retries it.
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

  it('looks up the transaction and group coordinators once, not before every request (patched kafkajs)', async () => {
    // patches/README.md: kafkajs 2.2.4 sent FindCoordinator before AddPartitionsToTxn,
    // AddOffsetsToTxn, TxnOffsetCommit and EndTxn, four extra round trips per transaction.
    const producer = kafka.producer({ transactionalId: `txp${id}-coord`, idempotent: true, maxInFlightRequests: 1 });
    const requests = new Map<string, number>();
    producer.on(producer.events.REQUEST, (e) => requests.set(e.payload.apiName, (requests.get(e.payload.apiName) ?? 0) + 1));
    await producer.connect();
    const rounds = 10;
    try {
      for (let i = 1; i <= rounds; i++) {
        const tx = await producer.transaction();
        await tx.send({ topic, messages: [{ key: String(i), value: `v${i}` }] });
        await tx.sendOffsets({ consumerGroupId: `${groupId}-coord`, topics: [{ topic, partitions: [{ partition: 0, offset: String(i) }] }] });
        await tx.commit();
      }
    } finally {
      await producer.disconnect();
    }
    expect(requests.get('EndTxn')).toBe(rounds);
    expect(requests.get('TxnOffsetCommit')).toBe(rounds);
    // One lookup for the transaction coordinator when the producer id is initialized, one for
    // the transactions, one for the group: at most three, where unpatched kafkajs made 41.
    expect(requests.get('GroupCoordinator') ?? 0).toBeLessThanOrEqual(3);
    const committed = await admin.fetchOffsets({ groupId: `${groupId}-coord`, topics: [topic] });
    expect(committed[0]!.partitions.find((p) => p.partition === 0)?.offset).toBe(String(rounds));
  });
});

