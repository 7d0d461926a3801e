import { randomUUID } from 'node:crypto';
import type { Batch, Consumer, Kafka, Message } from 'kafkajs';
import type { DomainEvent } from '../../capabilities.ts';
import { SESSION_TIMEOUT_MS } from './timeouts.ts';
import { superviseConsumer } from './supervise.ts';
import { produceChunks, type TopicMessages } from './produce-chunks.ts';
import { TxProducer } from './tx-producer.ts';
import { TYPE_HEADER, type Serde } from './serde.ts';
import { isTransient } from '../failures.ts';
import { ATTEMPTS_BEFORE_SETTING_ASIDE, setAside, type Unapplied } from './set-aside.ts';
import { tracing, type TraceHeaders } from '../tracing/tracing.ts';
import { countErased, isErased } from '../crypto/erased.ts';
import { asOnTheLog } from '../crypto/originals.ts';

/**
 * A record to append: the key is the Kafka ordering unit. `trace` (while tracing is on) names
 * the span the record's consumer continues, in the record's headers.
 */
export type Outgoing = { topic: string; key: string; event: DomainEvent; trace?: TraceHeaders };
export type Incoming = {
  topic: string; partition: number; offset: string; key: string; event: DomainEvent;
  /** Append time in epoch ms (CreateTime set by our producers). */
  timestamp: number;
  /** The trace context the record carries; read only while tracing is on. */
  trace?: TraceHeaders;
};

/**
 * The handler gets one partition's batch in order and answers what to append, and how many of
 * the batch's messages it has handled (a prefix; the rest is fetched again later). `pauseMs`
 * asks the runner to pause this partition for a while (a delay tier whose head is not due).
 */
export type BatchResult = { out: Outgoing[]; handled: number; pauseMs?: number };
export type BatchHandler = (messages: Incoming[], ctx: { heartbeat(): Promise<void> }) => Promise<BatchResult>;

export type ProcessorOptions = {
  kafka: Kafka;
  serde: Serde;
  groupId: string;
  topics: string[];
  handler: BatchHandler;
  /** Where records this processor cannot apply are set aside (RecordSetAside). */
  setAsideTopic: string;
  partitionsConsumedConcurrently?: number;
  /**
   * How long an idle fetch waits at the broker (records end the wait at once). A consumer whose
   * partitions are all paused sleeps this long before it looks again, so a scheduler that pauses
   * delay tiers keeps it short.
   */
  maxWaitTimeInMs?: number;
  /** Told after each committed transaction how many partition batches it carried. */
  onCommitted?: (batches: number) => void;
  fromBeginning?: boolean;
  /** The record types the handler reads; the others are skipped undecoded (their offsets still move). All when unset. */
  types?: readonly string[];
};

export function toMessage(serde: Serde, o: Outgoing): Message {
  return { key: o.key, value: serde.encode(o.event), headers: o.trace ? { [TYPE_HEADER]: o.event.type, ...o.trace } : { [TYPE_HEADER]: o.event.type } };
}

/**
 * Sends `out` in order as produce requests of bounded size (services/platform/kafka/produce-chunks.ts),
 * one after another: inside a transaction they commit or abort together.
 */
export async function sendChunked(sender: { sendBatch(b: { topicMessages: TopicMessages[] }): Promise<unknown> }, serde: Serde, all: Outgoing[]): Promise<void> {
  // A record of a workspace erased while it was in flight is dropped (counted): no key seals it.
  const out = all.filter((o) => {
    if (!serde.erased(o.event)) return true;
    countErased();
    return false;
  });
  await serde.prepare(out.map((o) => o.event));
  for (const topicMessages of produceChunks(out.map((o) => ({ topic: o.topic, message: toMessage(serde, o) })))) {
    await sender.sendBatch({ topicMessages });
  }
}

/**
 * One partition batch's records, decoded. A record that cannot be decoded (not in the wire
 * format, an unknown type, a body its schema cannot read) is answered apart, for the caller to
 * set aside: one bad record must not stop the partition. With `types`, the records of other types
 * are skipped undecoded.
 */
export async function decodeBatch(serde: Serde, batch: Batch, types?: readonly string[]): Promise<{ records: Incoming[]; undecodable: Unapplied[] }> {
  const records: Incoming[] = [];
  const undecodable: Unapplied[] = [];
  for (const m of batch.messages) {
    const typeName = m.headers?.[TYPE_HEADER]?.toString();
    if (!typeName || !m.value) continue; // not ours (or a tombstone): skipped, its offset still moves
    if (types && !types.includes(typeName)) continue; // not a type the reader applies
    const key = m.key?.toString() ?? '';
    try {
      const record: Incoming = {
        topic: batch.topic, partition: batch.partition, offset: m.offset,
        key, event: await serde.decode(typeName, m.value), timestamp: Number(m.timestamp),
      };
      if (tracing) record.trace = tracing.fromRecord(m.headers);
      records.push(record);
    } catch (error) {
      if (isTransient(error)) throw error; // the registry is away: the batch is fetched again
      // Its workspace's data key is destroyed: erased data, skipped (counted), never set aside.
      if (isErased(error)) { countErased(); continue; }
      undecodable.push({ topic: batch.topic, partition: batch.partition, offset: m.offset, key, recordType: typeName, value: m.value, decoded: null, timestamp: Number(m.timestamp), error });
    }
  }
  return { records, undecodable };
}

/** A decoded record that could not be applied, as the set-aside topic keeps it. */
export function unapplied(m: Incoming, error: unknown): Unapplied {
  return {
    topic: m.topic, partition: m.partition, offset: m.offset, key: m.key, recordType: m.event.type,
    value: null, decoded: JSON.stringify(asOnTheLog(m.event)), timestamp: m.timestamp, error,
  };
}

type PartitionOffset = { topic: string; partition: number; offset: string; metadata?: string | null };

/** Next offsets (with optional commit metadata) grouped by topic, in sendOffsets' shape. */
export function offsetsByTopic(offsets: PartitionOffset[]) {
  const byTopic = new Map<string, Array<Omit<PartitionOffset, 'topic'>>>();
  for (const { topic, ...rest } of offsets) {
    const list = byTopic.get(topic) ?? [];
    list.push(rest);
    byTopic.set(topic, list);
  }
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
}

/** One partition batch's records and next offset, waiting for a transaction. */
type PendingCommit = { out: Outgoing[]; topic: string; partition: number; offset: string; done: () => void; fail: (err: unknown) => void };

/**
 * Consume, transform, produce with exactly-once effect: the appended records and the consumer
 * offsets commit in one Kafka transaction, so a crash either keeps both or neither.
 *
 * Partitions are handled concurrently but a producer runs one transaction at a time, so commits
 * are grouped: the batches that finish while a transaction is running all go into the next one
 * (their records in arrival order, every partition's offset). One transaction costs several
 * broker round trips, so under load a batch no longer waits behind a queue of others' commits.
 */
export class TransactionalProcessor {
  private consumer?: Consumer;
  private producer?: TxProducer;
  private waiting: PendingCommit[] = [];
  private committing = false;
  private stopping = false;

  private readonly o: ProcessorOptions;
  constructor(o: ProcessorOptions) {
    this.o = o;
  }

  /** The consumer group: names the processor in logs. */
  get name(): string {
    return this.o.groupId;
  }

  async start(): Promise<void> {
    const { kafka, groupId } = this.o;
    this.stopping = false;
    this.producer = new TxProducer(kafka, `${groupId}-${randomUUID()}`);
    await this.producer.connect();
    await this.startConsumer();
  }

  private async startConsumer(): Promise<void> {
    const { kafka, groupId } = this.o;
    const consumer = kafka.consumer({
      groupId,
      readUncommitted: false,
      sessionTimeout: SESSION_TIMEOUT_MS,
      heartbeatInterval: 3_000,
      maxWaitTimeInMs: this.o.maxWaitTimeInMs ?? 500,
      retry: { retries: 10 },
    });
    this.consumer = consumer;
    superviseConsumer(consumer, groupId, () => this.startConsumer(), () => this.stopping);
    await consumer.connect();
    await consumer.subscribe({ topics: this.o.topics, fromBeginning: this.o.fromBeginning ?? true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.o.partitionsConsumedConcurrently ?? 16,
      eachBatch: async ({ batch, resolveOffset, heartbeat, pause, isRunning, isStale }) => {
        if (!isRunning() || isStale()) return;
        const { records: incoming, undecodable } = await decodeBatch(this.o.serde, batch, this.o.types);
        const result = await this.handle(incoming, { heartbeat });
        const all = result.handled >= incoming.length;
        // The last offset of a batch may be a transaction marker that never reaches us.
        const next = all ? BigInt(batch.lastOffset()) + 1n : BigInt(incoming[result.handled]!.offset);
        // Undecodable records below `next` go with it; the others come again with the rest.
        const out = [...result.out, ...undecodable.filter((u) => BigInt(u.offset) < next).map((u) => setAside(this.o.setAsideTopic, this.name, u))];
        if (next > BigInt(batch.firstOffset() ?? '0') || out.length > 0) {
          await this.commit(out, batch.topic, batch.partition, next.toString());
          if (next > 0n) resolveOffset((next - 1n).toString());
        }
        if (!all) {
          consumer.seek({ topic: batch.topic, partition: batch.partition, offset: next.toString() });
        }
        if (result.pauseMs !== undefined) {
          const resume = pause();
          setTimeout(resume, result.pauseMs).unref();
        }
      },
    });
  }

  /**
   * The handler's answer for a batch. When it fails on the batch for a reason other than the
   * infrastructure being away, the batch is handled again one record at a time, each record up
   * to ATTEMPTS_BEFORE_SETTING_ASIDE times: a record it still fails on is set aside, and the
   * others are handled as usual (ARCHITECTURE 12).
   */
  private async handle(incoming: Incoming[], ctx: { heartbeat(): Promise<void> }): Promise<BatchResult> {
    try {
      return await this.o.handler(incoming, ctx);
    } catch (err) {
      if (isTransient(err)) throw err;
    }
    const out: Outgoing[] = [];
    for (const [i, m] of incoming.entries()) {
      for (let attempt = 1; ; attempt++) {
        try {
          const one = await this.o.handler([m], ctx);
          out.push(...one.out);
          if (one.handled < 1) return { out, handled: i, pauseMs: one.pauseMs };
          break;
        } catch (error) {
          if (isTransient(error)) throw error;
          if (attempt >= ATTEMPTS_BEFORE_SETTING_ASIDE) {
            out.push(setAside(this.o.setAsideTopic, this.name, unapplied(m, error)));
            break;
          }
        }
      }
    }
    return { out, handled: incoming.length };
  }

  private commit(out: Outgoing[], topic: string, partition: number, offset: string): Promise<void> {
    return new Promise((done, fail) => {
      this.waiting.push({ out, topic, partition, offset, done, fail });
      void this.commitWaiting();
    });
  }

  /** Commits what is waiting, one transaction at a time, until nothing is. */
  private async commitWaiting(): Promise<void> {
    if (this.committing) return;
    this.committing = true;
    try {
      while (this.waiting.length > 0) {
        const group = this.waiting;
        this.waiting = [];
        try {
          await this.producer!.run(async (tx) => {
            const out = group.flatMap((c) => c.out);
            await sendChunked(tx, this.o.serde, out);
            await tx.sendOffsets({ consumerGroupId: this.o.groupId, topics: offsetsByTopic(group.map(({ topic, partition, offset }) => ({ topic, partition, offset }))) });
          });
          this.o.onCommitted?.(group.length);
          for (const c of group) c.done();
        } catch (err) {
          for (const c of group) c.fail(err);
        }
      }
    } finally {
      this.committing = false;
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }
}
