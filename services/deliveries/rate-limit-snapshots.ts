import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import type { PaceReading, RateLimiter } from './rate-limiter.ts';

/**
 * How the rate limiters' live state reaches the API (GET /metrics/rate-limits), in every shape
 * of deployment: each engine (a `mittr deliver` process, or `mittr all`'s processing thread)
 * publishes a small snapshot of its limiters once a second to a Kafka topic of its own, keyed by
 * engine, and every API process follows that topic and merges the latest snapshot of each live
 * engine (several engines each take rate / engines, so their send rates and waiting counts add).
 *
 * Why Kafka and not Postgres: an engine holds no Postgres connection today (a deliver-only
 * process needs Kafka alone) and this needs no table, migration or cleanup; the topic is the
 * same path whether the engine is a thread of the API's process, another process or ten, which
 * a message port (how /metrics reaches `mittr all`'s thread) is not. The cost is off the
 * delivery path: the limiter counts (services/deliveries/rate-limiter.ts), a timer reads it once
 * a second and sends one record per 1,000 endpoints active in that second; an idle engine sends
 * a record with none. The topic (deliveries/manifest.ts) is compacted by engine and keeps a
 * minute, so a new API process reads at most a minute of records to know every engine's latest.
 *
 * A snapshot is not a domain event: it records no state change, no read model is built from it
 * and it is gone in a minute, so it is plain JSON and not an Avro schema of the log.
 */

/** How often an engine publishes. */
export const EVERY_MS = 1_000;
/** Endpoints per record: a record stays far under Kafka's 1 MB default. */
const PER_RECORD = 1_000;
/** The send rate is what was sent over this many of the last readings (a rate of 2/s is 2 ± 1 in one second). */
const WINDOW = 5;

/** One endpoint in a snapshot: [endpointId, perSecond, sendRate, waiting, longestWaitMs, expectedWaitMs]. */
export type SnapshotRow = [string, number, number, number, number, number];
/** One record of the topic: part `part` of `parts` of an engine's snapshot taken at `at`; `stopped` when the engine stopped. */
export type SnapshotRecord = { engine: string; at: number; part: number; parts: number; stopped?: true; rows: SnapshotRow[] };

/** Each endpoint's sends and the length of the last readings, for its send rate. */
class SendWindows {
  private readonly windows = new Map<string, Array<[number, number]>>();

  /** The send rate of each reading's endpoint, over its last WINDOW readings; endpoints not read are forgotten. */
  rates(readings: readonly PaceReading[], elapsedMs: number): number[] {
    const seen = new Set<string>();
    const rates = readings.map((r) => {
      seen.add(r.endpointId);
      let w = this.windows.get(r.endpointId);
      if (!w) this.windows.set(r.endpointId, w = []);
      w.push([r.sent, elapsedMs]);
      if (w.length > WINDOW) w.shift();
      let sent = 0;
      let ms = 0;
      for (const [s, m] of w) { sent += s; ms += m; }
      return ms > 0 ? Math.round((sent * 1000 / ms) * 100) / 100 : 0;
    });
    for (const id of this.windows.keys()) if (!seen.has(id)) this.windows.delete(id);
    return rates;
  }
}

/** The records of one snapshot: its rows in parts of PER_RECORD (at least one record, so an idle engine is known alive). */
export function snapshotRecords(engine: string, at: number, rows: SnapshotRow[]): SnapshotRecord[] {
  const parts = Math.max(1, Math.ceil(rows.length / PER_RECORD));
  return Array.from({ length: parts }, (_, part) => ({ engine, at, part, parts, rows: rows.slice(part * PER_RECORD, (part + 1) * PER_RECORD) }));
}

/**
 * An engine's publisher: once a second, its limiter's readings to the topic. A send that fails
 * (Kafka away) is dropped, not retried: the next second's snapshot replaces it anyway.
 */
export class RateLimitPublisher {
  readonly engine = randomUUID();
  private producer?: Producer;
  private timer?: NodeJS.Timeout;
  private last = Date.now();
  private sending = false;
  private readonly windows = new SendWindows();
  private readonly kafka: Kafka;
  private readonly topic: string;
  private readonly limiter: RateLimiter;

  constructor(kafka: Kafka, topic: string, limiter: RateLimiter) {
    this.kafka = kafka;
    this.topic = topic;
    this.limiter = limiter;
  }

  async start(everyMs = EVERY_MS): Promise<void> {
    this.producer = this.kafka.producer({ allowAutoTopicCreation: false });
    await this.producer.connect();
    this.timer = setInterval(() => void this.publish(), everyMs);
    this.timer.unref();
  }

  /** Tells the API this engine is gone (its waiting deliveries are no more here), then disconnects. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    const producer = this.producer;
    this.producer = undefined;
    if (!producer) return;
    await this.send(producer, [{ engine: this.engine, at: Date.now(), part: 0, parts: 1, stopped: true, rows: [] }]).catch(() => undefined);
    await producer.disconnect();
  }

  private async publish(): Promise<void> {
    const producer = this.producer;
    if (!producer || this.sending) return;
    const t = Date.now();
    const readings = this.limiter.readings(t);
    const rates = this.windows.rates(readings, t - this.last);
    this.last = t;
    const rows = readings.map((r, i): SnapshotRow => [r.endpointId, r.perSecond, rates[i]!, r.waiting, r.longestWaitMs, r.expectedWaitMs]);
    this.sending = true;
    try {
      await this.send(producer, snapshotRecords(this.engine, t, rows));
    } catch { /* the next snapshot replaces this one */ } finally {
      this.sending = false;
    }
  }

  private async send(producer: Producer, records: SnapshotRecord[]): Promise<void> {
    await producer.send({
      topic: this.topic, acks: 1,
      messages: records.map((r) => ({ key: `${r.engine}/${r.part}`, value: JSON.stringify(r) })),
    });
  }
}
