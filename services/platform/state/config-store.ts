import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { DomainEvent, State } from '../../capabilities.ts';
import { retryRetriable } from '../kafka/client.ts';
import { decodeBatch } from '../kafka/processor.ts';
import { describeError } from '../failures.ts';
import { superviseConsumer } from '../kafka/supervise.ts';
import type { Serde } from '../kafka/serde.ts';

/**
 * One capability's part of the configuration in memory: the records of its single-partition
 * topic folded into maps. `apply` must be idempotent and never go backwards: the API applies its
 * own writes before they come back from the log.
 */
export type ConfigSlice = {
  readonly topic: string;
  /** The message types this slice folds (the API applies its own writes by type). */
  readonly types: readonly string[];
  apply(e: { type: string }): void;
};

/**
 * The configuration every role keeps in memory (ARCHITECTURE: config in memory), folded from the
 * capabilities' single-partition topics, read from the start by a private consumer group. The
 * slices come from the capability manifests (`state`); `offset(topic)` says how far a topic is
 * applied, so a reader can wait for a configuration at least as new as a writer saw.
 */
export class ConfigStore {
  readonly state: State;
  private readonly slices: ConfigSlice[];
  private readonly byType = new Map<string, ConfigSlice>();
  private readonly byTopic = new Map<string, ConfigSlice>();
  private readonly applied = new Map<string, number>();
  private consumer?: Consumer;
  private waiters: Array<() => void> = [];

  private readonly kafka: Kafka;
  private readonly serde: Serde;

  constructor(kafka: Kafka, serde: Serde, state: State) {
    this.kafka = kafka;
    this.serde = serde;
    this.state = state;
    this.slices = Object.values(state as Record<string, ConfigSlice>);
    for (const slice of this.slices) {
      this.byTopic.set(slice.topic, slice);
      for (const t of slice.types) this.byType.set(t, slice);
    }
  }

  /** Next offset to apply on a configuration topic (its only partition). */
  offset(topic: string): number {
    return this.applied.get(topic) ?? 0;
  }

  /** Folds an event in; `offset` (on its slice's topic) is given when it comes from the log or an append. */
  apply(e: DomainEvent, offset?: number): void {
    const slice = this.byType.get(e.type);
    slice?.apply(e);
    if (slice) this.markApplied(slice.topic, offset === undefined ? undefined : offset + 1);
  }

  /** Records how far a topic is applied (also past records that are not ours) and wakes waiters. */
  private markApplied(topic: string, nextOffset: number | undefined): void {
    if (nextOffset !== undefined) this.applied.set(topic, Math.max(this.offset(topic), nextOffset));
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }

  /** Waits (bounded) until `ready()` holds; answers whether it does. */
  async waitUntil(ready: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!ready() && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(deadline - Date.now(), 0));
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
    return ready();
  }

  /** Starts following every slice's topic and resolves once the history present at start is folded in. */
  async start(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    const pending = new Map<string, bigint>();
    for (const topic of this.byTopic.keys()) {
      for (const p of await retryRetriable(() => admin.fetchTopicOffsets(topic))) {
        if (BigInt(p.high) > BigInt(p.low)) pending.set(`${topic}:${p.partition}`, BigInt(p.high));
      }
    }
    await admin.disconnect();
    let caughtUp!: () => void;
    const ready = new Promise<void>((r) => (caughtUp = r));
    if (pending.size === 0) caughtUp();
    await this.follow(pending, caughtUp);
    await ready;
  }

  /** Where this copy has read each partition up to: a restarted consumer skips what it already folded in. */
  private readonly next = new Map<string, bigint>();
  private stopping = false;

  private async follow(pending: Map<string, bigint>, caughtUp: () => void): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: `mittr-config-${randomUUID()}`, maxWaitTimeInMs: 500 });
    this.consumer = consumer;
    superviseConsumer(consumer, 'config', () => this.follow(pending, caughtUp), () => this.stopping);
    await consumer.connect();
    await consumer.subscribe({ topics: [...this.byTopic.keys()], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const slice = this.byTopic.get(batch.topic);
        const key = `${batch.topic}:${batch.partition}`;
        const from = this.next.get(key) ?? 0n;
        const { records, undecodable } = await decodeBatch(this.serde, batch);
        for (const m of records) {
          if (BigInt(m.offset) < from) continue;
          try {
            if (slice?.types.includes(m.event.type)) slice.apply(m.event);
          } catch (err) {
            // Every process reads these topics from the start: a record one cannot apply is
            // skipped (the projectors of the same topic set it aside where operators see it).
            console.error(`mittr config: skipped ${key}@${m.offset} (${m.event.type}): ${describeError(err)}`);
          }
        }
        for (const u of undecodable) {
          if (BigInt(u.offset) >= from) console.error(`mittr config: skipped ${key}@${u.offset} (${u.recordType ?? 'no type'}): ${describeError(u.error)}`);
        }
        const after = BigInt(batch.lastOffset()) + 1n;
        if (after > from) this.next.set(key, after);
        this.markApplied(batch.topic, Number(batch.lastOffset()) + 1);
        const end = pending.get(key);
        if (end !== undefined && BigInt(batch.lastOffset()) + 1n >= end) {
          pending.delete(key);
          if (pending.size === 0) caughtUp();
        }
      },
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect();
  }
}
