import type { Consumer, Kafka } from 'kafkajs';
import { sql, type DatabasePool, type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import type { DomainEvent } from '../services/domain/messages/events.ts';
import { decodeBatch } from '../services/kafka/processor.ts';
import type { Serde } from '../services/kafka/serde.ts';
import { superviseConsumer } from '../services/kafka/supervise.ts';

export type Projection = {
  /** Stable name: the checkpoint rows and the consumer group are keyed by it. */
  name: string;
  topics: string[];
  /** The read-model tables it owns: emptied and refilled by a rebuild. */
  tables: string[];
  /** Applies a batch of one partition's events inside the projector's transaction. */
  apply(tx: DatabaseTransactionConnection, events: DomainEvent[]): Promise<void>;
};

const checkpointRow = z.object({ next_offset: z.coerce.bigint() });
const checkpointsRow = z.object({ projector: z.string(), topic: z.string(), partition: z.number(), next_offset: z.coerce.bigint() });

/**
 * Runs a projection exactly-once: each batch's read-model writes and the checkpoint
 * (topic, partition, next offset) commit in one Postgres transaction; events below the stored
 * checkpoint are skipped, so redelivery after a crash or rebalance changes nothing.
 */
export class ProjectionRunner {
  private consumer?: Consumer;
  /** Highest next-offset written per "topic:partition", for same-process read-your-writes. */
  readonly positions = new Map<string, bigint>();

  private readonly kafka: Kafka;
  private readonly serde: Serde;
  private readonly db: DatabasePool;
  private readonly projection: Projection;
  private readonly groupPrefix: string;

  constructor(kafka: Kafka, serde: Serde, db: DatabasePool, projection: Projection, groupPrefix: string) {
    this.kafka = kafka;
    this.serde = serde;
    this.db = db;
    this.projection = projection;
    this.groupPrefix = groupPrefix;
  }

  private stopping = false;

  async start(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: `${this.groupPrefix}projector.${this.projection.name}`,
      // Under load, fetches wait for 64 KiB (or 100 ms): fewer, larger batches, so fewer
      // transactions per event; when idle a record is projected within ~100 ms.
      maxWaitTimeInMs: 100,
      minBytes: 64 * 1024,
      sessionTimeout: 30_000,
      retry: { retries: 10 },
    });
    this.consumer = consumer;
    superviseConsumer(consumer, `projector.${this.projection.name}`, () => this.start(), () => this.stopping);
    await consumer.connect();
    await consumer.subscribe({ topics: this.projection.topics, fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: 4,
      // Where a projector is lives in Postgres (projection_checkpoints, in the same transaction
      // as its rows); the group's Kafka offsets only say where to fetch from after a restart, and
      // records before the checkpoint are skipped. So they are committed every 5 s, not after
      // every batch (kafkajs's auto-commit ignores its interval after a batch): at a trickle of
      // single events the projectors' commits were ~100 broker requests a second.
      autoCommit: false,
      autoCommitInterval: 5_000,
      eachBatch: async ({ batch, heartbeat, commitOffsetsIfNecessary }) => {
        const incoming = await decodeBatch(this.serde, batch);
        const next = BigInt(batch.lastOffset()) + 1n;
        await this.db.transaction(async (tx) => {
          const cp = await tx.maybeOne(sql.type(checkpointRow)`
            SELECT next_offset FROM projection_checkpoints
            WHERE projector = ${this.projection.name} AND topic = ${batch.topic} AND partition = ${batch.partition}
            FOR UPDATE`);
          const from = cp?.next_offset ?? 0n;
          const fresh = incoming.filter((m) => BigInt(m.offset) >= from).map((m) => m.event);
          if (fresh.length > 0) await this.projection.apply(tx, fresh);
          if (next > from) {
            await tx.query(sql.unsafe`
              INSERT INTO projection_checkpoints (projector, topic, partition, next_offset)
              VALUES (${this.projection.name}, ${batch.topic}, ${batch.partition}, ${next.toString()})
              ON CONFLICT (projector, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset`);
          }
        });
        this.positions.set(`${batch.topic}:${batch.partition}`, next);
        await commitOffsetsIfNecessary();
        await heartbeat();
      },
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect();
  }
}

/** Where `projector` is: the next offset it will apply in (topic, partition), if it has applied any. */
export type Checkpoints = (projector: string, topic: string, partition: number) => bigint | undefined;

/** The checkpoints of `projectors`, read in one query. */
export async function checkpointsOf(db: DatabasePool, projectors: string[]): Promise<Checkpoints> {
  const rows = await db.any(sql.type(checkpointsRow)`
    SELECT projector, topic, partition, next_offset FROM projection_checkpoints
    WHERE projector = ANY(${sql.array(projectors, 'text')})`);
  const key = (projector: string, topic: string, partition: number) => JSON.stringify([projector, topic, partition]);
  const next = new Map(rows.map((r) => [key(r.projector, r.topic, r.partition), r.next_offset]));
  return (projector, topic, partition) => next.get(key(projector, topic, partition));
}

/** True once `projector` has applied every record at `positions`. */
export function hasPassed(checkpoints: Checkpoints, projector: string, positions: readonly { topic: string; partition: number; offset: string }[]): boolean {
  return positions.every((p) => {
    const next = checkpoints(projector, p.topic, p.partition);
    return next !== undefined && next > BigInt(p.offset);
  });
}
