import type { Kafka, Message, Producer } from 'kafkajs';
import { kafkaPartitioner } from './partitioner.ts';
import { toMessage, type Outgoing } from './processor.ts';
import { PRODUCE_BYTES, recordBytes, toTopicMessages } from './produce-chunks.ts';
import type { Serde } from './serde.ts';
import { tracing, type Span } from '../tracing/tracing.ts';

/** Where a record landed: enough to wait for a projector to reach it (read-your-writes). */
export type Position = { topic: string; partition: number; offset: string };

type Waiting = { records: Array<{ topic: string; message: Message }>; bytes: number; resolve: (p: Position[]) => void; reject: (err: unknown) => void };

/** Records per produce request at most; the rest waits for the next one. */
const MAX_GROUP = 2_000;

/**
 * The command side's producer: idempotent, acknowledged by all in-sync replicas, and group
 * committing: the appends of one turn of the event loop, and those that arrive while a produce
 * request is in flight, travel together in the next one, so many concurrent API requests cost
 * one round trip instead of one each. Each caller is answered when its request is acknowledged.
 */
export class Appender {
  private readonly producer: Producer;
  private readonly serde: Serde;
  private queue: Waiting[] = [];
  private sending = false;
  /** The partition the partitioner chose for each message object, to compute each record's offset. */
  private readonly chosen = new WeakMap<Message, number>();

  constructor(kafka: Kafka, serde: Serde) {
    this.serde = serde;
    const chosen = this.chosen;
    this.producer = kafka.producer({
      idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false,
      createPartitioner: () => {
        const partition = kafkaPartitioner();
        return (args) => {
          const p = partition(args);
          chosen.set(args.message, p);
          return p;
        };
      },
    });
  }

  start(): Promise<void> {
    return this.producer.connect();
  }

  /**
   * Appends the records (with whatever else is waiting) and answers, for each topic-partition
   * the produce request wrote, the offset of its last record: once a projector has passed those,
   * it has seen this caller's records.
   */
  append(out: Outgoing[]): Promise<Position[]> {
    const keys = this.serde.prepare(out.map((o) => o.event));
    if (keys) return keys.then(() => this.append(out));
    const request = tracing?.current();
    return request ? this.traced(out, request) : this.enqueue(out);
  }

  private enqueue(out: Outgoing[]): Promise<Position[]> {
    // Encoded now, so a record the schema rejects fails its own caller only.
    const records = out.map((o) => ({ topic: o.topic, message: toMessage(this.serde, o) }));
    const bytes = records.reduce((n, r) => n + recordBytes(r.message), 0);
    return new Promise((resolve, reject) => {
      this.queue.push({ records, bytes, resolve, reject });
      if (!this.sending) {
        // After what is ready now, so every caller resumed in this turn of the loop (a group of
        // reservations answered together) shares the produce request; started at once, the
        // first went alone and the others waited a whole round trip behind it.
        this.sending = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  /** An append from a traced request: a producer span around it, carried by each record to its consumers. */
  private async traced(out: Outgoing[], request: Span): Promise<Position[]> {
    const topics = [...new Set(out.map((o) => o.topic))];
    const span = tracing!.start('append', 'producer', request, {
      'messaging.system': 'kafka', 'messaging.operation.type': 'send', 'messaging.destination.name': topics.join(','),
      'messaging.batch.message_count': out.length,
    });
    try {
      return await this.enqueue(out.map((o) => ({ ...o, trace: span.headers })));
    } catch (err) {
      span.fail(err instanceof Error ? err.message : String(err));
      throw err;
    } finally {
      span.end();
    }
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      // A caller's records are never split over two requests (one request is all or nothing
      // for its partition); callers join a request while it stays within both bounds.
      const group: Waiting[] = [];
      let size = 0;
      let bytes = 0;
      while (this.queue.length > 0
        && (group.length === 0 || (size + this.queue[0]!.records.length <= MAX_GROUP && bytes + this.queue[0]!.bytes <= PRODUCE_BYTES))) {
        const w = this.queue.shift()!;
        group.push(w);
        size += w.records.length;
        bytes += w.bytes;
      }
      try {
        const topicMessages = toTopicMessages(group.flatMap((w) => w.records));
        const meta = await this.producer.sendBatch({ topicMessages, acks: -1 });
        const base = new Map(meta.map((m) => [`${m.topicName}:${m.partition}`, BigInt(m.baseOffset ?? '0')]));
        // kafkajs keeps a partition's messages in request order: a record's offset is base + its index there.
        const offsetOf = new Map<Message, bigint>();
        for (const { topic, messages } of topicMessages) {
          const index = new Map<number, bigint>();
          for (const message of messages) {
            const partition = this.chosen.get(message)!;
            const i = index.get(partition) ?? 0n;
            index.set(partition, i + 1n);
            offsetOf.set(message, base.get(`${topic}:${partition}`)! + i);
          }
        }
        for (const w of group) {
          const last = new Map<string, Position>();
          for (const { topic, message } of w.records) {
            const partition = this.chosen.get(message)!;
            last.set(`${topic}:${partition}`, { topic, partition, offset: offsetOf.get(message)!.toString() });
          }
          w.resolve([...last.values()]);
        }
      } catch (err) {
        for (const w of group) w.reject(err);
      }
    }
    this.sending = false;
  }

  stop(): Promise<void> {
    return this.producer.disconnect();
  }
}
