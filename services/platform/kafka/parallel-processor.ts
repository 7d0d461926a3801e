import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { retryRetriable } from './client.ts';
import { MAX_WINDOW } from './offset-bitmap.ts';
import { floorOf, partFromCommit, partKey, progressOf, settle, type Part } from './partition-progress.ts';
import { SESSION_TIMEOUT_MS } from './timeouts.ts';
import { superviseConsumer } from './supervise.ts';
import { TxProducer } from './tx-producer.ts';
import { isTransient } from '../failures.ts';
import { decodeBatch, offsetsByTopic, sendChunked, unapplied, type Incoming, type Outgoing } from './processor.ts';
import { ATTEMPTS_BEFORE_SETTING_ASIDE, setAside } from './set-aside.ts';
import type { Serde } from './serde.ts';

export type HandlerContext = {
  /** Appends records now (committed in the next transaction), e.g. the outcome of a failed attempt before an in-place retry. */
  emit(out: Outgoing[]): Promise<void>;
  /** False once this process no longer owns the message's partition or is stopping. */
  active(): boolean;
};
/** Handles one message; messages of one key are handed over one at a time, in log order. */
export type KeyedHandler = (m: Incoming, ctx: HandlerContext) => Promise<Outgoing[]>;

export type ParallelOptions = {
  kafka: Kafka;
  serde: Serde;
  groupId: string;
  topics: string[];
  handler: KeyedHandler;
  /** Where records this processor cannot apply are set aside (RecordSetAside). */
  setAsideTopic: string;
  /** Messages held (queued or in flight) per partition before it is paused. */
  maxPendingPerPartition?: number;
  commitIntervalMs?: number;
  onError?: (err: unknown) => void;
};

type Completion = { part: Part; generation: number; offset: bigint; out: Outgoing[] };
type Emit = { out: Outgoing[]; done: () => void; fail: (err: unknown) => void };

/**
 * A fetch brings at most this much per partition (kafkajs's default is 1 MiB): a batch is enqueued
 * whole before back-pressure can pause the partition, so this bounds the overshoot past
 * maxPendingPerPartition, and with it the memory a backlog holds. At 256 KiB (~650 deliveries of
 * the benchmark's size) the overshoot, not the lane's weight, set how much the engine held: each
 * held delivery is a decoded record plus its suspended handler, ~3 KB of heap. 64 KiB: e2e peak
 * RSS 322-344 -> 312-314 MB over alternating runs, deliveries/s the same.
 */
const FETCH_BYTES_PER_PARTITION = 64 * 1024;

/**
 * Key-level concurrency inside a partition (ARCHITECTURE 6, the technique of Confluent's
 * Parallel Consumer): messages of one key run one after another; other keys of the same
 * partition go on while one waits (a FIFO retry, a rate limit, a paused endpoint). Each
 * completion's records are appended in a Kafka transaction together with the partition's
 * contiguous offset watermark and, in the commit metadata, the offsets completed above it, so
 * a restart or rebalance neither loses an accepted message nor redoes a completed one.
 */
export class ParallelProcessor {
  private consumer?: Consumer;
  private producer?: TxProducer;
  private admin?: Admin;
  private readonly parts = new Map<string, Part>();
  private readonly committed = new Map<string, Promise<Map<number, { offset: bigint; metadata: string | null }>>>();
  private readonly queues = new Map<string, Incoming[]>();
  private completions: Completion[] = [];
  private emits: Emit[] = [];
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> | null = null;
  private generation = 0;
  private running = false;
  private stopping = false;
  private inFlight = 0;
  private readonly o: Required<Omit<ParallelOptions, 'onError'>> & Pick<ParallelOptions, 'onError'>;

  constructor(o: ParallelOptions) {
    this.o = { maxPendingPerPartition: 2_000, commitIntervalMs: 50, ...o };
  }

  /** The consumer group: names the processor in logs. */
  get name(): string {
    return this.o.groupId;
  }

  async start(): Promise<void> {
    const { kafka, groupId } = this.o;
    this.running = true;
    this.stopping = false;
    this.admin = kafka.admin();
    await this.admin.connect();
    this.producer = new TxProducer(kafka, `${groupId}-${randomUUID()}`);
    await this.producer.connect();
    this.timer = setInterval(() => void this.flush(), this.o.commitIntervalMs);
    await this.startConsumer();
  }

  /** A consumer that kafkajs gave up on is replaced: everything held is dropped as if revoked, and redone from the committed offsets. */
  private async restartConsumer(): Promise<void> {
    this.onAssignment({});
    await this.startConsumer();
  }

  private async startConsumer(): Promise<void> {
    const { kafka, groupId } = this.o;
    const consumer = kafka.consumer({ groupId, readUncommitted: false, sessionTimeout: SESSION_TIMEOUT_MS, heartbeatInterval: 3_000, maxWaitTimeInMs: 100, maxBytesPerPartition: FETCH_BYTES_PER_PARTITION, retry: { retries: 10 } });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (e) => this.onAssignment(e.payload.memberAssignment));
    superviseConsumer(consumer, groupId, () => this.restartConsumer(), () => this.stopping);
    await consumer.connect();
    await consumer.subscribe({ topics: this.o.topics, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: true,
      partitionsConsumedConcurrently: 64,
      eachBatch: async ({ batch, isRunning, isStale }) => {
        if (!isRunning() || isStale()) return;
        const part = await this.partFor(batch.topic, batch.partition);
        const { records, undecodable } = await decodeBatch(this.o.serde, batch);
        // A record that cannot be decoded is done at once: set aside, its partition moves on.
        const bad = new Map(undecodable.map((u) => [BigInt(u.offset), u]));
        const all: Array<{ offset: string }> = undecodable.length === 0 ? records
          : [...records, ...undecodable].sort((a, b) => (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
        for (const m of all) {
          const offset = BigInt(m.offset);
          // Seen already (pending or done), or done before this assignment (committed metadata).
          const seen = offset <= part.highest || part.doneBefore.has(offset);
          if (offset > part.highest) part.highest = offset;
          if (seen) continue;
          part.pending.add(offset);
          const u = bad.get(offset);
          if (u) this.completions.push({ part, generation: part.generation, offset, out: [setAside(this.o.setAsideTopic, this.name, u)] });
          else this.enqueue(part, m as Incoming);
        }
        // Transaction markers and foreign records advance the partition too.
        const last = BigInt(batch.lastOffset());
        if (last > part.highest) part.highest = last;
        part.dirty = true;
        this.applyBackPressure(part);
      },
    });
  }

  private onAssignment(assignment: Record<string, number[]>): void {
    const owned = new Set(Object.entries(assignment).flatMap(([t, ps]) => ps.map((p) => partKey(t, p))));
    for (const [k, part] of this.parts) {
      if (!owned.has(k)) {
        part.generation = -1; // completions of a revoked partition are dropped: its new owner redoes them
        this.parts.delete(k);
        for (const q of [...this.queues.keys()]) if (q.startsWith(`${k}:`)) this.queues.delete(q);
      }
    }
    this.committed.clear();
    this.generation++;
  }

  private async partFor(topic: string, partition: number): Promise<Part> {
    const k = partKey(topic, partition);
    const existing = this.parts.get(k);
    if (existing) return existing;
    let offsets = this.committed.get(topic);
    if (!offsets) {
      offsets = retryRetriable(() => this.admin!.fetchOffsets({ groupId: this.o.groupId, topics: [topic] })).then((res) =>
        new Map((res[0]?.partitions ?? []).map((p) => [p.partition, { offset: BigInt(p.offset), metadata: p.metadata }])));
      // A failed read is not cached: the next batch of the topic asks again.
      offsets.catch(() => this.committed.delete(topic));
      this.committed.set(topic, offsets);
    }
    const part = partFromCommit(topic, partition, this.generation, (await offsets).get(partition));
    this.parts.set(k, part);
    return part;
  }

  private enqueue(part: Part, m: Incoming): void {
    const qk = `${partKey(part.topic, part.partition)}:${m.key}`;
    const q = this.queues.get(qk);
    if (q) { q.push(m); return; }
    this.queues.set(qk, [m]);
    void this.drain(qk, part);
  }

  /** Runs one key's messages in order until its queue is empty. */
  private async drain(qk: string, part: Part): Promise<void> {
    const generation = part.generation;
    const ctx: HandlerContext = {
      emit: (out) => new Promise<void>((done, fail) => { this.emits.push({ out, done, fail }); }),
      active: () => this.running && part.generation === generation,
    };
    let failures = 0;
    for (;;) {
      const q = this.queues.get(qk);
      const m = q?.[0];
      if (!q || !m || !ctx.active()) return;
      this.inFlight++;
      try {
        const out = await this.o.handler(m, ctx);
        failures = 0;
        this.completions.push({ part, generation, offset: BigInt(m.offset), out });
        q.shift();
        if (q.length === 0) { this.queues.delete(qk); return; }
      } catch (err) {
        this.o.onError?.(err);
        // A record its handler keeps failing on (not for the infrastructure) is set aside, so
        // that neither its key nor, once the window fills, its partition waits on it for ever.
        if (!isTransient(err) && ++failures >= ATTEMPTS_BEFORE_SETTING_ASIDE) {
          failures = 0;
          this.completions.push({ part, generation, offset: BigInt(m.offset), out: [setAside(this.o.setAsideTopic, this.name, unapplied(m, err))] });
          q.shift();
          if (q.length === 0) { this.queues.delete(qk); return; }
          continue;
        }
        await new Promise((r) => setTimeout(r, 1_000)); // the same message again: a key's order holds
      } finally {
        this.inFlight--;
      }
    }
  }

  private applyBackPressure(part: Part): void {
    const window = Number(part.highest - floorOf(part));
    const tooMany = part.pending.size >= this.o.maxPendingPerPartition || window >= MAX_WINDOW - 1_000;
    if (tooMany && !part.paused) {
      part.paused = true;
      this.consumer!.pause([{ topic: part.topic, partitions: [part.partition] }]);
    } else if (!tooMany && part.paused) {
      part.paused = false;
      this.consumer!.resume([{ topic: part.topic, partitions: [part.partition] }]);
    }
  }

  /** One transaction: the records of finished work and every changed partition's watermark. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    const completions = this.completions.filter((c) => c.part.generation === c.generation && c.generation !== -1);
    this.completions = [];
    const emits = this.emits;
    this.emits = [];
    const dirty = [...this.parts.values()].filter((p) => p.dirty || completions.some((c) => c.part === p));
    if (completions.length === 0 && emits.length === 0 && dirty.length === 0) return Promise.resolve();
    this.flushing = this.commit(completions, emits, dirty)
      .catch((err) => {
        this.completions.unshift(...completions); // nothing was written: try again
        this.emits.unshift(...emits);
        this.o.onError?.(err);
      })
      .finally(() => { this.flushing = null; });
    return this.flushing;
  }

  private async commit(completions: Completion[], emits: Emit[], dirty: Part[]): Promise<void> {
    const out = [...emits.flatMap((e) => e.out), ...completions.flatMap((c) => c.out)];
    const offsets = dirty.map((part) => {
      const completed = completions.filter((c) => c.part === part).map((c) => c.offset);
      return { part, completed, ...progressOf(part, completed) };
    }).filter((x) => x.watermark >= 0n);
    try {
      await this.producer!.run(async (tx) => {
        await sendChunked(tx, this.o.serde, out);
        if (offsets.length > 0) {
          const next = offsets.map((x) => ({ topic: x.part.topic, partition: x.part.partition, offset: x.watermark.toString(), metadata: x.metadata }));
          await tx.sendOffsets({ consumerGroupId: this.o.groupId, topics: offsetsByTopic(next) as never });
        }
      });
    } catch (err) {
      emits.forEach((e) => e.fail(err));
      throw err;
    }
    for (const x of offsets) {
      settle(x.part, x.watermark, x.completed);
      if (x.part.paused) this.applyBackPressure(x.part);
    }
    emits.forEach((e) => e.done());
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect();
    this.running = false;
    const deadline = Date.now() + 5_000;
    while (this.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    clearInterval(this.timer);
    await this.flush().catch(() => undefined);
    await this.producer?.disconnect();
    await this.admin?.disconnect();
  }
}
