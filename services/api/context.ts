import type { Kafka } from 'kafkajs';
import { LRUCache } from 'lru-cache';
import type { DatabasePool } from 'slonik';
import type { Config } from '../config/config.ts';
import type { Appender, Position } from '../kafka/appender.ts';
import type { Serde } from '../kafka/serde.ts';
import type { Topics } from '../kafka/topics.ts';
import type { SecretBox } from '../security/secrets.ts';
import type { ConfigStore } from '../state/config-store.ts';

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
};

/**
 * Where this process's recent writes landed, by resource id, so a GET right after the POST that
 * created something waits for the projection instead of answering 404 (ARCHITECTURE 10).
 */
export class RecentWrites {
  // A Map trimmed by deleting its oldest key slows down as deleted slots pile up at its front
  // (the profile of a batch flood showed it); an LRU cache evicts in constant time.
  private readonly cache: LRUCache<string, Position[]>;
  constructor(max = 100_000) {
    this.cache = new LRUCache({ max });
  }
  remember(id: string, positions: Position[]): void {
    this.cache.set(id, positions);
  }
  get(id: string): Position[] | undefined {
    return this.cache.get(id);
  }
  /** Drops the entry once a projector has passed it (unless a newer write replaced it). */
  forget(id: string, positions: Position[]): void {
    if (this.cache.peek(id) === positions) this.cache.delete(id);
  }
}
