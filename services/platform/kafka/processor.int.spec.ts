import { randomBytes } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventRouted } from '../../events/domain/messages.ts';
import { createKafka, ensureTopics } from './client.ts';
import { TransactionalProcessor, toMessage, type Incoming } from './processor.ts';
import { Serde } from './serde.ts';
import { eventually, isolatedConfig } from '../../../test/support/mittr.ts';

const PARTITIONS = 4;

describe('the transactional processor', () => {
  const id = randomBytes(4).toString('hex');
  const input = `tp${id}.in`;
  const output = `tp${id}.out`;
  const groupId = `tp${id}.group`;
  let kafka: Kafka;
  let admin: Admin;
  let serde: Serde;
  let produced = 0;

  const routed = (n: number): EventRouted => ({
    type: 'EventRouted', eventId: `e${n}`, accountId: 'a', projectId: 'p', destinations: [], routedAt: n,
  });
  /** Appends events e<from>..e<to-1> to the input, keys spread over every partition. */
  const produce = async (count: number) => {
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    const messages = Array.from({ length: count }, (_, i) => toMessage(serde, { topic: input, key: `k${(produced + i) % 40}`, event: routed(produced + i) }));
    await producer.send({ topic: input, messages });
    await producer.disconnect();
    produced += count;
  };
  /** Every committed record of the output topic, by event id. */
  const readOutput = async (topic = output): Promise<string[]> => {
    const consumer = kafka.consumer({ groupId: `tp${id}.reader.${randomBytes(3).toString('hex')}`, readUncommitted: false, maxWaitTimeInMs: 100 });
    const seen: string[] = [];
    const ends = await admin.fetchTopicOffsets(topic);
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const caughtUp = new Map<number, bigint>();
    await consumer.run({ eachBatch: async ({ batch }) => {
      for (const m of batch.messages) if (m.value) seen.push(((await serde.decode('EventRouted', m.value)) as EventRouted).eventId);
      caughtUp.set(batch.partition, BigInt(batch.lastOffset()) + 1n);
    } });
    await eventually(async () => ends.every((e) => BigInt(e.high) === 0n || (caughtUp.get(e.partition) ?? 0n) >= BigInt(e.high)), 30_000);
    await consumer.disconnect();
    return seen;
  };
  const start = (onCommitted?: (batches: number) => void) => {
    const p = new TransactionalProcessor({
      kafka, serde, groupId, topics: [input], onCommitted, setAsideTopic: `${output}.aside`,
      handler: async (messages: Incoming[]) => {
        await new Promise((r) => setTimeout(r, 20)); // batches of other partitions finish meanwhile
        return { out: messages.map((m) => ({ topic: output, key: m.key, event: m.event })), handled: messages.length };
      },
    });
    return p;
  };

  beforeAll(async () => {
    const config = isolatedConfig();
    kafka = createKafka(config, `tp${id}`);
    admin = kafka.admin();
    await admin.connect();
    await ensureTopics(kafka, [{ name: input, partitions: PARTITIONS, config: {} }, { name: output, partitions: PARTITIONS, config: {} }]);
    serde = new Serde(config.registryUrl);
    await serde.registerAll();
  });
  afterAll(async () => {
    await admin?.deleteTopics({ topics: [input, output, `${input}.fan`, `${output}.fan`] }).catch(() => undefined);
    await admin?.deleteGroups([groupId, `${groupId}.fan`]).catch(() => undefined);
    await admin?.disconnect();
  });

  it('commits concurrent partitions together, each record once, and a restart redoes nothing', async () => {
    await produce(400);
    const grouped: number[] = [];
    const first = start((n) => grouped.push(n));
    await first.start();
    const committed = async () => (await admin.fetchOffsets({ groupId, topics: [input] }))[0]!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    await eventually(async () => (await committed()) === 400, 60_000);
    await first.stop();
    // Batches of several partitions shared a transaction.
    expect(grouped.reduce((a, b) => a + b, 0)).toBeGreaterThan(grouped.length);

    await produce(40);
    const second = start();
    await second.start();
    await eventually(async () => (await committed()) === 440, 60_000);
    await second.stop();

    const out = await readOutput();
    expect(out.length).toBe(440);
    expect(new Set(out).size).toBe(440);
  });

  it('commits a fan-out larger than a broker takes in one produce request, every record in order', async () => {
    // One input record becomes 60 records of ~40 KiB on one partition: 2.4 MB in one
    // transaction, past Kafka's default limit of 1 MiB for a partition's batch in one request.
    const [fanIn, fanOut] = [`${input}.fan`, `${output}.fan`];
    await ensureTopics(kafka, [{ name: fanIn, partitions: 1, config: {} }, { name: fanOut, partitions: 1, config: {} }]);
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    await producer.send({ topic: fanIn, messages: [toMessage(serde, { topic: fanIn, key: 'k', event: routed(0) })] });
    await producer.disconnect();
    const url = `http://127.0.0.1/${'x'.repeat(40 * 1024)}`;
    const p = new TransactionalProcessor({
      kafka, serde, groupId: `${groupId}.fan`, topics: [fanIn], setAsideTopic: `${output}.aside`,
      handler: async (messages: Incoming[]) => ({
        out: messages.flatMap((m) => Array.from({ length: 60 }, (_, i): { topic: string; key: string; event: EventRouted } => ({
          topic: fanOut, key: m.key,
          event: { ...routed(i), eventId: `fan${i}`, destinations: [{ dispatchId: `d${i}`, endpointId: null, url }] },
        }))),
        handled: messages.length,
      }),
    });
    await p.start();
    const committed = async () => Number((await admin.fetchOffsets({ groupId: `${groupId}.fan`, topics: [fanIn] }))[0]!.partitions[0]!.offset);
    await eventually(async () => (await committed()) === 1, 60_000);
    await p.stop();
    expect(await readOutput(fanOut)).toEqual(Array.from({ length: 60 }, (_, i) => `fan${i}`));
  });
});
