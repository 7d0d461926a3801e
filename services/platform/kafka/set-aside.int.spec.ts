import { randomBytes, randomUUID } from 'node:crypto';
import type { Admin, Kafka } from 'kafkajs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventAccepted, EventRouted } from '../../events/domain/messages.ts';
import type { RecordSetAside } from './set-aside.ts';
import { api, eventually, isolatedConfig, signup, startTestMittr } from '../../../test/support/mittr.ts';
import { createKafka, ensureTopics } from './client.ts';
import { ParallelProcessor } from './parallel-processor.ts';
import { TransactionalProcessor, toMessage, type Incoming } from './processor.ts';
import { TYPE_HEADER, Serde } from './serde.ts';
import { topicNames } from '../../capabilities.ts';

/**
 * ARCHITECTURE 12: a record a processor or projector cannot apply is set aside with its
 * coordinates and the error, and its partition moves on. Bad records are written to the log
 * directly, as nothing that passes the API could be.
 */
describe('a record that cannot be applied', () => {
  const id = randomBytes(4).toString('hex');
  let kafka: Kafka;
  let admin: Admin;
  let serde: Serde;
  const topics: string[] = [];

  const routed = (n: number): EventRouted => ({ type: 'EventRouted', eventId: `e${n}`, accountId: 'a', projectId: 'p', destinations: [], routedAt: n });
  const garbage = { key: 'k0', value: Buffer.from('not avro at all'), headers: { [TYPE_HEADER]: 'EventRouted' } };
  const unknownType = { key: 'k0', value: Buffer.from([0, 0, 0, 0, 1, 2]), headers: { [TYPE_HEADER]: 'NoSuchEvent' } };

  /** Every RecordSetAside on `topic`, read from its beginning to its end. */
  const setAsideOn = async (topic: string, atLeast: number): Promise<RecordSetAside[]> => eventually(async () => {
    const consumer = kafka.consumer({ groupId: `sa${id}.reader.${randomBytes(3).toString('hex')}`, maxWaitTimeInMs: 100 });
    const seen: RecordSetAside[] = [];
    const [end] = await admin.fetchTopicOffsets(topic);
    if (!end || BigInt(end.high) < BigInt(atLeast)) return undefined;
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let next = 0n;
    await consumer.run({ eachBatch: async ({ batch }) => {
      for (const m of batch.messages) if (m.value) seen.push((await serde.decode('RecordSetAside', m.value)) as RecordSetAside);
      next = BigInt(batch.lastOffset()) + 1n;
    } });
    await eventually(async () => next >= BigInt(end.high), 20_000);
    await consumer.disconnect();
    return seen.length >= atLeast ? seen : undefined;
  }, 60_000, 500);

  const committedTo = async (groupId: string, topic: string) =>
    Number((await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions[0]!.offset);

  const newTopics = async (names: string[]) => {
    topics.push(...names);
    await ensureTopics(kafka, names.map((name) => ({ name, partitions: 1, config: {} })));
  };

  beforeAll(async () => {
    const config = isolatedConfig();
    kafka = createKafka(config, `sa${id}`);
    admin = kafka.admin();
    await admin.connect();
    serde = new Serde(config.registryUrl);
    await serde.registerAll();
  });
  afterAll(async () => {
    await admin?.deleteTopics({ topics }).catch(() => undefined);
    await admin?.disconnect();
  });

  it('is set aside by a transactional processor, which goes on with the rest of the partition', async () => {
    const [input, output, aside, groupId] = [`sa${id}.tin`, `sa${id}.tout`, `sa${id}.taside`, `sa${id}.tgroup`];
    await newTopics([input, output, aside]);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: input, messages: [
      toMessage(serde, { topic: input, key: 'k0', event: routed(0) }), garbage,
      toMessage(serde, { topic: input, key: 'k0', event: routed(2) }), unknownType,
      toMessage(serde, { topic: input, key: 'k0', event: routed(4) }),
    ] });
    await producer.disconnect();
    // The handler fails on e2 wherever it is in a batch: a bug that one record's content triggers.
    const p = new TransactionalProcessor({
      kafka, serde, groupId, topics: [input], setAsideTopic: aside,
      handler: async (messages: Incoming[]) => {
        if (messages.some((m) => (m.event as EventRouted).eventId === 'e2')) throw new TypeError('cannot read e2');
        return { out: messages.map((m) => ({ topic: output, key: m.key, event: m.event })), handled: messages.length };
      },
    });
    await p.start();
    try {
      await eventually(async () => (await committedTo(groupId, input)) === 5, 60_000);
    } finally {
      await p.stop();
    }
    const set = await setAsideOn(aside, 3);
    expect(set.map((s) => [s.offset, s.recordType, s.consumer, s.topic, s.partition]).sort((x, y) => Number(x[0]) - Number(y[0]))).toEqual([
      [1, 'EventRouted', groupId, input, 0], [2, 'EventRouted', groupId, input, 0], [3, 'NoSuchEvent', groupId, input, 0],
    ]);
    const byOffset = new Map(set.map((s) => [s.offset, s]));
    expect(byOffset.get(1)!.value?.toString()).toBe('not avro at all');
    expect(byOffset.get(2)!.error).toContain('cannot read e2');
    expect(JSON.parse(byOffset.get(2)!.decoded!)).toMatchObject({ eventId: 'e2' });
    expect(byOffset.get(3)!.error).toContain('NoSuchEvent');
  });

  it('is set aside by the keyed processor (the engine), after its retries, and the key goes on', async () => {
    const [input, output, aside, groupId] = [`sa${id}.pin`, `sa${id}.pout`, `sa${id}.paside`, `sa${id}.pgroup`];
    await newTopics([input, output, aside]);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: input, messages: [
      toMessage(serde, { topic: input, key: 'k0', event: routed(0) }), garbage,
      toMessage(serde, { topic: input, key: 'k0', event: routed(2) }), toMessage(serde, { topic: input, key: 'k0', event: routed(3) }),
    ] });
    await producer.disconnect();
    const handled: string[] = [];
    const p = new ParallelProcessor({
      kafka, serde, groupId, topics: [input], setAsideTopic: aside,
      handler: async (m: Incoming) => {
        const eventId = (m.event as EventRouted).eventId;
        if (eventId === 'e2') throw new TypeError('cannot deliver e2');
        handled.push(eventId);
        return [{ topic: output, key: m.key, event: m.event }];
      },
    });
    await p.start();
    try {
      await eventually(async () => (await committedTo(groupId, input)) === 4, 30_000).catch(async (err: unknown) => {
        throw new Error(`committed ${await committedTo(groupId, input)}, handled ${handled.join(',')}: ${String(err)}`);
      });
    } finally {
      await p.stop();
    }
    expect(handled).toEqual(['e0', 'e3']); // e3 waited for e2 (same key), then went on
    const set = await setAsideOn(aside, 2);
    expect(set.map((s) => s.offset).sort()).toEqual([1, 2]);
    expect(set.find((s) => s.offset === 2)!.error).toContain('cannot deliver e2');
  });

  it('is set aside by a projector, in the transaction of its checkpoint; other tenants on the partition see their events', async () => {
    const env = await startTestMittr(isolatedConfig({ KAFKA_PARTITIONS: '1' }));
    try {
      const t = topicNames(env.config.topicPrefix);
      const other = await signup(env.url);
      const call = api(env.url, other.apiKey);
      const before = await call('POST', '/api/v1/events', { destination: 'http://127.0.0.1:9/x', payload: { n: 1 } }, { 'x-idempotency-key': 'before' });
      expect(before.status).toBe(201);
      // Written to the log directly: the API refuses NUL, the events table cannot hold it.
      const poisoned: EventAccepted = {
        type: 'EventAccepted', eventId: randomUUID(), accountId: randomUUID(), projectId: randomUUID(), idempotencyKey: 'nul',
        destination: 'http://127.0.0.1:9/x', eventType: null, payload: '{}', headers: { 'X-A': 'a\u0000b' }, maxAttempts: 1,
        priority: 5, delaySeconds: 0, createdAt: Date.now(), maxAttemptsSet: false, configOffset: 0,
      };
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic: t.events, messages: [toMessage(serde, { topic: t.events, key: poisoned.eventId, event: poisoned }), { ...garbage, key: 'g' }] });
      await producer.disconnect();
      const after = await call('POST', '/api/v1/events', { destination: 'http://127.0.0.1:9/x', payload: { n: 2 } }, { 'x-idempotency-key': 'after' });
      expect(after.status).toBe(201);
      // The tenant behind the bad records on the same partition still sees its event.
      await eventually(async () => (await call('GET', `/api/v1/events/${after.body.id}`)).status === 200, 30_000);

      const client = new pg.Client({ connectionString: env.config.databaseUrl });
      await client.connect();
      try {
        const rows = await eventually(async () => {
          const r = await client.query(`SELECT consumer, topic, "offset"::int AS offset, record_type, error, decoded, value FROM "${env.config.databaseSchema}".set_aside_records WHERE consumer = 'projector.events' ORDER BY "offset"`);
          return r.rows.length >= 2 ? r.rows : undefined;
        }, 30_000);
        expect(rows[0]).toMatchObject({ topic: t.events, record_type: 'EventAccepted' });
        expect(rows[0].error).toMatch(/\\u0000|22P05|null/i);
        expect(JSON.parse(rows[0].decoded)).toMatchObject({ eventId: poisoned.eventId });
        expect(rows[1]).toMatchObject({ topic: t.events, record_type: 'EventRouted' });
        expect(rows[1].value.toString()).toBe('not avro at all');
      } finally {
        await client.end();
      }
      const health = await api(env.url)('GET', '/health');
      expect(health.body).toMatchObject({ setAside: { records: expect.any(Number) as number } });
      expect(health.body.setAside.records).toBeGreaterThanOrEqual(2);
    } finally {
      await env.stop();
    }
  });
});
