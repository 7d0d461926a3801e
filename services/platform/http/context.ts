import type { Mailer } from '../mail/mailer.ts';
import type { Kafka } from 'kafkajs';
import { LRUCache } from 'lru-cache';
import type { DatabasePool } from 'slonik';
import { hasPassed, type Checkpoints } from '../projection/runner.ts';
import type { Config } from '../config/config.ts';
import type { Appender, Position } from '../kafka/appender.ts';
import type { Serde } from '../kafka/serde.ts';
import type { Metrics } from '../metrics/registry.ts';
import type { Topics } from '../../capabilities.ts';
import type { SecretBox } from '../security/secrets.ts';
import type { ConfigStore } from '../state/config-store.ts';
import type { DataKeys } from '../../data-keys/store.ts';

/** What the routes need, built once at boot and handed to the app plugin. */
export type ApiContext = {
  config: Config;
  kafka: Kafka;
  serde: Serde;
  db: DatabasePool;
  appender: Appender;
  topics: Topics;
  store: ConfigStore;
  secrets: SecretBox;
  recent: RecentWrites;
  /** Mail to people (services/platform/mail/mailer.ts): SMTP_URL, or .eml files in development. */
  mailer: Mailer;
  /** This mittr's metrics, served by GET /metrics. */
  metrics: Metrics;
  /** The workspaces' data keys (services/data-keys/store.ts): `destroy(accountId)` crypto-shreds a workspace (services/gdpr/erase.ts), idempotently. */
  dataKeys: DataKeys;
};

/** A recent write: where its records landed, and the projector a read of it waits for. */
export type RecentWrite = { projector: string; positions: Position[] };

/**
 * Where this process's recent writes landed, by resource id, so a GET right after the POST that
 * created something waits for the projection instead of answering 404 (ARCHITECTURE 10).
 *
 * An entry is only needed until its projector has passed it, which is usually well under a
 * second; `sweep` drops those. Without it a flood of accepted events kept the last 100,000 ids
 * (~7 MB of the API's heap, twice that in peak RSS). The LRU bound still holds when a projector
 * stalls.
 */
export class RecentWrites {
  // A Map trimmed by deleting its oldest key slows down as deleted slots pile up at its front
  // (the profile of a batch flood showed it); an LRU cache evicts in constant time.
  private readonly cache: LRUCache<string, RecentWrite>;
  /**
   * Each projector's writes in the order they were made. A sweep judges them oldest first and
   * stops at the first its projector has not passed, so a sweep costs what it drops, not the
   * whole cache: iterating 100,000 entries twice a second was 3.7 % of the API thread under
   * the e2e flood. An entry passed behind one not yet passed waits for the next sweep.
   */
  private readonly queues = new Map<string, Fifo<{ write: RecentWrite; ids: string[] }>>();
  /** How many ids each projector's queue holds. */
  private readonly queuedIds = new Map<string, number>();
  private readonly max: number;
  constructor(max = 100_000) {
    this.max = max;
    this.cache = new LRUCache({ max });
  }
  get size(): number {
    return this.cache.size;
  }
  /** Remembers a write of `ids` (one request's: they share the entry) that `projector` will show. */
  remember(projector: string, ids: Iterable<string>, positions: Position[]): void {
    const write: RecentWrite = { projector, positions };
    const list = [...ids];
    for (const id of list) this.cache.set(id, write);
    let queue = this.queues.get(projector);
    if (!queue) this.queues.set(projector, queue = new Fifo());
    queue.push({ write, ids: list });
    // A stalled projector's queue is bounded like the cache, in ids (a batch's write holds 100):
    // what the LRU evicted goes from it too.
    this.queuedIds.set(projector, (this.queuedIds.get(projector) ?? 0) + list.length);
    while (this.queuedIds.get(projector)! > this.max) this.take(projector, queue);
  }
  get(id: string): RecentWrite | undefined {
    return this.cache.get(id);
  }
  /** Drops the entry once a projector has passed it (unless a newer write replaced it). */
  forget(id: string, write: RecentWrite): void {
    if (this.cache.peek(id) === write) this.cache.delete(id);
  }
  /** The projectors that entries wait for. */
  projectors(): Set<string> {
    return new Set([...this.queues].filter(([, q]) => q.length > 0).map(([name]) => name));
  }
  /** Drops the writes, oldest first per projector, that their projector has passed all positions of; answers how many ids. */
  sweep(checkpoints: Checkpoints): number {
    let dropped = 0;
    for (const [projector, queue] of this.queues) {
      for (let next = queue.peek(); next && hasPassed(checkpoints, next.write.projector, next.write.positions); next = queue.peek()) {
        dropped += this.take(projector, queue);
      }
    }
    return dropped;
  }
  /** Takes the oldest write off a projector's queue, and its ids out of the cache unless a newer write holds them; answers how many went. */
  private take(projector: string, queue: Fifo<{ write: RecentWrite; ids: string[] }>): number {
    const item = queue.shift()!;
    this.queuedIds.set(projector, this.queuedIds.get(projector)! - item.ids.length);
    return this.drop(item);
  }
  private drop(item: { write: RecentWrite; ids: string[] }): number {
    let n = 0;
    for (const id of item.ids) if (this.cache.peek(id) === item.write) { this.cache.delete(id); n += 1; }
    return n;
  }
}

/** A first-in first-out queue over an array: shift is a moved index, the array compacted now and then. */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  push(item: T): void {
    this.items.push(item);
  }
  peek(): T | undefined {
    return this.items[this.head];
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head]!;
    this.items[this.head++] = undefined as T;
    if (this.head >= 1024 && this.head * 2 >= this.items.length) { this.items = this.items.slice(this.head); this.head = 0; }
    return item;
  }
}
