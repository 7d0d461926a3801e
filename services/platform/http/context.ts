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
  constructor(max = 100_000) {
    this.cache = new LRUCache({ max });
  }
  get size(): number {
    return this.cache.size;
  }
  /** Remembers a write of `ids` (one request's: they share the entry) that `projector` will show. */
  remember(projector: string, ids: Iterable<string>, positions: Position[]): void {
    const write: RecentWrite = { projector, positions };
    for (const id of ids) this.cache.set(id, write);
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
    const names = new Set<string>();
    for (const w of this.cache.values()) names.add(w.projector);
    return names;
  }
  /** Drops every entry whose projector has passed all its positions; answers how many. */
  sweep(checkpoints: Checkpoints): number {
    // A request's ids share one write: each write is judged once.
    const verdicts = new Map<RecentWrite, boolean>();
    const done: string[] = [];
    for (const [id, w] of this.cache.entries()) {
      let v = verdicts.get(w);
      if (v === undefined) { v = hasPassed(checkpoints, w.projector, w.positions); verdicts.set(w, v); }
      if (v) done.push(id);
    }
    for (const id of done) this.cache.delete(id);
    return done.length;
  }
}
