import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { retryRetriable } from '../platform/kafka/client.ts';
import { superviseConsumer } from '../platform/kafka/supervise.ts';
import { EVERY_MS, type SnapshotRecord, type SnapshotRow } from './rate-limit-snapshots.ts';

/** An engine's snapshot older than this is of an engine gone (stopped without a word, or cut off). */
const STALE_MS = 3 * EVERY_MS;
/** A reader waits this long for the topic's history at its first read. */
const CATCH_UP_MS = 5_000;

/** An endpoint's live pacing, over every engine that reported it. */
export type LivePace = {
  /** Deliveries a second sent by the engines together, over their last seconds. */
  sendRate: number;
  waiting: number;
  longestWaitMs: number;
  expectedWaitMs: number;
  /** Engines that sent or held a delivery of the endpoint in the last second. */
  engines: number;
};

type EngineSnapshot = { at: number; seenAt: number; parts: Map<number, SnapshotRow[]> };

/** The latest snapshot of each engine, by record; `seen` is when it counts as taken (see RateLimitView). */
export class EngineSnapshots {
  private readonly engines = new Map<string, EngineSnapshot>();

  add(r: SnapshotRecord, seenAt: number): void {
    if (r.stopped) { this.engines.delete(r.engine); return; }
    const known = this.engines.get(r.engine);
    if (known && r.at < known.at) return;
    if (!known || r.at > known.at) this.engines.set(r.engine, { at: r.at, seenAt, parts: new Map([[r.part, r.rows]]) });
    else known.parts.set(r.part, r.rows);
  }

  /** Every endpoint some live engine reported, merged: rates and waiting add up, waits are the longest. */
  merged(now: number): Map<string, LivePace> {
    const out = new Map<string, LivePace>();
    for (const [engine, s] of this.engines) {
      if (now - s.seenAt > STALE_MS) { this.engines.delete(engine); continue; }
      for (const rows of s.parts.values()) {
        for (const [id, , rate, waiting, longest, expected] of rows) {
          const m = out.get(id) ?? { sendRate: 0, waiting: 0, longestWaitMs: 0, expectedWaitMs: 0, engines: 0 };
          m.sendRate = Math.round((m.sendRate + rate) * 100) / 100;
          m.waiting += waiting;
          m.longestWaitMs = Math.max(m.longestWaitMs, longest);
          m.expectedWaitMs = Math.max(m.expectedWaitMs, expected);
          m.engines++;
          out.set(id, m);
        }
      }
    }
    return out;
  }
}

/**
 * The API's view of every engine's rate limiters (services/deliveries/rate-limit-snapshots.ts
 * says why through Kafka), followed by a private consumer group from the topic's start, begun at
 * the first read: an API process nobody asks holds no consumer. A record read while catching up
 * counts from its Kafka timestamp (an engine gone a minute ago is not alive), one read live from
 * when it arrived (engines' clocks may differ from ours).
 */
export class RateLimitView {
  private readonly snapshots = new EngineSnapshots();
  private started?: Promise<void>;
  private consumer?: Consumer;
  private caughtUp = false;
  private readonly kafka: Kafka;
  private readonly topic: string;

  constructor(kafka: Kafka, topic: string) {
    this.kafka = kafka;
    this.topic = topic;
  }

  /** Every live engine's pacing, by endpoint. The first read waits (bounded) for the topic's history. */
  async read(): Promise<Map<string, LivePace>> {
    this.started ??= this.follow().catch((err: unknown) => { this.started = undefined; throw err; });
    await this.started;
    return this.snapshots.merged(Date.now());
  }

  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    this.started = undefined;
    await consumer?.disconnect();
  }

  private async follow(): Promise<void> {
    // Read anew (a restarted consumer), the history counts from its timestamps again.
    this.caughtUp = false;
    const admin = this.kafka.admin();
    await admin.connect();
    const [end] = await retryRetriable(() => admin.fetchTopicOffsets(this.topic)).finally(() => admin.disconnect());
    const high = BigInt(end?.high ?? '0');
    let ready!: () => void;
    const caughtUp = new Promise<void>((r) => { ready = r; });
    const done = () => { this.caughtUp = true; ready(); };
    if (high === 0n || BigInt(end!.low) >= high) done();
    const consumer = this.kafka.consumer({ groupId: `mittr-rate-limits-${randomUUID()}`, maxWaitTimeInMs: 200 });
    this.consumer = consumer;
    // A consumer kafkajs gives up on is started again (what it read stays; the topic is read anew).
    superviseConsumer(consumer, 'rate-limits', () => this.follow(), () => this.consumer !== consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          if (!m.value) continue;
          try {
            this.snapshots.add(JSON.parse(m.value.toString()) as SnapshotRecord, this.caughtUp ? Date.now() : Number(m.timestamp));
          } catch { /* not a snapshot: skipped, the next one of its engine comes within a second */ }
        }
        if (!this.caughtUp && BigInt(batch.lastOffset()) + 1n >= high) done();
      },
    });
    await Promise.race([caughtUp, new Promise((r) => setTimeout(r, CATCH_UP_MS).unref())]);
  }
}

const views = new WeakMap<object, RateLimitView>();

/** This API process's view (one per context, shared by its routes). */
export function rateLimitView(ctx: { kafka: Kafka; topics: { rateLimits: string } }): RateLimitView {
  let v = views.get(ctx);
  if (!v) views.set(ctx, v = new RateLimitView(ctx.kafka, ctx.topics.rateLimits));
  return v;
}
