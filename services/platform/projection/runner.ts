import type { Batch, Consumer, Kafka } from 'kafkajs';
import { sql, type DatabasePool, type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import type { DomainEvent } from '../../capabilities.ts';
import { retryRetriable } from '../kafka/client.ts';
import { decodeBatch, unapplied } from '../kafka/processor.ts';
import type { Unapplied } from '../kafka/set-aside.ts';
import { describeError, isTransient } from '../failures.ts';
import { insertUnapplied } from '../../../projections/set-aside/projector.ts';
import type { Serde } from '../kafka/serde.ts';
import { superviseConsumer } from '../kafka/supervise.ts';
import { withoutErased } from './erased-gate.ts';

export type Projection = {
  /** Stable name: the checkpoint rows and the consumer group are keyed by it. */
  name: string;
  topics: string[];
  /**
   * The record types it applies, when it reads a topic for only a few of them (the audit log's
   * edits and replays on the events topic): the others are skipped before they are decoded.
   */
  types?: readonly string[];
  /** The read-model tables it owns: emptied and refilled by a rebuild. */
  tables: string[];
  /**
   * Applies a batch of one partition's events inside the projector's transaction. `source` is
   * the batch's topic and partition (a counting projection shards its rows by it:
   * projections/shared/shard.ts); absent when a spec applies records directly.
   */
  apply(tx: DatabaseTransactionConnection, events: DomainEvent[], source?: Source): Promise<void>;
  /**
   * True when applying a record is not idempotent by itself (it adds to counters) and the
   * projection relies on being applied once per log position: by the runner, which applies a
   * record only at or above the projection's checkpoint and moves the checkpoint past it in the
   * same transaction (applyAtPositions). Redelivery then means the same records at the same
   * positions again, which this skips; test/support/redelivery.ts checks such a projection that
   * way, and every other one by applying its records again, anywhere.
   *
   * It holds for records whose producer never writes one record twice at two offsets: see
   * projections/usage/count-once.ts for why DeliveryAttempted and EventAccepted are such records.
   */
  oncePerPosition?: true;
  /**
   * Work that cannot run in the projector's transaction (VACUUM), run once it has committed
   * with the records this projection applied in it; not awaited, so the partition goes on.
   */
  afterCommit?(db: DatabasePool, events: DomainEvent[]): Promise<void>;
};

/** Where a batch of records came from. */
export type Source = { topic: string; partition: number };

/** A decoded record at its offset in the partition being applied. */
export type Positioned = { offset: string; event: DomainEvent };

/** How long a partition's checkpoint may stay behind batches that held nothing to apply. */
const IDLE_CHECKPOINT_MS = 5_000;

const checkpointsRow = z.object({ projector: z.string(), topic: z.string(), partition: z.number(), next_offset: z.coerce.bigint() });
const partitionCheckpointRow = z.object({ projector: z.string(), next_offset: z.coerce.bigint() });

type Decoded = Awaited<ReturnType<typeof decodeBatch>>;

/**
 * Runs projections exactly-once: each batch's read-model writes and the checkpoints
 * (projection, topic, partition, next offset) commit in one Postgres transaction; events below a
 * projection's stored checkpoint are skipped for it, so redelivery after a crash or rebalance
 * changes nothing.
 *
 * The projections of one runner share its consumer: a record is fetched and decoded once, and a
 * partition batch is one transaction for every projection that reads its topic (mittr runs all
 * its read models on one runner: the events topic was fetched and decoded by four consumers,
 * the outcomes topic by several). Each projection keeps its own checkpoints, so one added later
 * starts from the beginning of the log while the others go on from theirs.
 */
export class ProjectionRunner {
  private consumer?: Consumer;
  /** Highest next-offset passed per "topic:partition" (applied, or holding nothing to apply): how far a rebuild got. */
  readonly positions = new Map<string, bigint>();

  private readonly kafka: Kafka;
  private readonly serde: Serde;
  private readonly db: DatabasePool;
  private readonly projections: readonly Projection[];
  private readonly groupId: string;
  /** Per topic: the projections that read it, and the record types they need (null: all). */
  private readonly readers = new Map<string, { projections: Projection[]; types: readonly string[] | undefined }>();

  private readonly fetchBytesPerPartition: number | undefined;

  /**
   * `group`: the consumer group's name after `groupPrefix` and `projector.`.
   * `fetchBytesPerPartition`: kafkajs's 1 MiB unless given (a rebuild reads more at once: fewer,
   * larger transactions).
   */
  constructor(kafka: Kafka, serde: Serde, db: DatabasePool, projections: readonly Projection[], groupPrefix: string, group: string, fetchBytesPerPartition?: number) {
    this.fetchBytesPerPartition = fetchBytesPerPartition;
    this.kafka = kafka;
    this.serde = serde;
    this.db = db;
    // A counting projection (oncePerPosition) adds to a few hot rows (a project's hour and day,
    // whatever the partition) whose locks, taken by its upsert, are held till the transaction
    // commits; applied after the others, it holds them for the commit alone, so the partitions'
    // concurrent transactions queue on them for less time.
    this.projections = [...projections.filter((p) => !p.oncePerPosition), ...projections.filter((p) => p.oncePerPosition)];
    this.groupId = `${groupPrefix}projector.${group}`;
    for (const p of this.projections) {
      for (const topic of p.topics) {
        const r = this.readers.get(topic) ?? { projections: [], types: [] };
        r.projections.push(p);
        r.types = r.types === undefined || p.types === undefined ? undefined : [...new Set([...r.types, ...p.types])];
        this.readers.set(topic, r);
      }
    }
  }

  private get topics(): string[] {
    return [...this.readers.keys()];
  }

  private stopping = false;
  /** Partitions already rewound to their checkpoint since this consumer started. */
  private rewound = new Set<string>();
  /** When each "topic:partition" checkpoint was last written by this consumer. */
  private readonly checkpointedAt = new Map<string, number>();

  async start(): Promise<void> {
    for (const p of this.projections) await this.noticeResetLog(p);
    this.rewound = new Set();
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      // Under load, fetches wait for 64 KiB (or 100 ms): fewer, larger batches, so fewer
      // transactions per event; when idle a record is projected within ~100 ms.
      maxWaitTimeInMs: 100,
      minBytes: 64 * 1024,
      ...(this.fetchBytesPerPartition ? { maxBytesPerPartition: this.fetchBytesPerPartition, maxBytes: this.fetchBytesPerPartition * 16 } : {}),
      sessionTimeout: 30_000,
      retry: { retries: 10 },
    });
    this.consumer = consumer;
    const label = this.groupId.slice(this.groupId.indexOf('projector.'));
    superviseConsumer(consumer, label, () => this.start(), () => this.stopping);
    await consumer.connect();
    await consumer.subscribe({ topics: this.topics, fromBeginning: true });
    await consumer.run({
      // Partition batches of different topics and partitions apply in concurrent transactions.
      partitionsConsumedConcurrently: 8,
      // Where a projector is lives in Postgres (projection_checkpoints, in the same transaction
      // as its rows); the group's Kafka offsets only say where to fetch from after a restart, and
      // records before the checkpoint are skipped. So they are committed every 5 s, not after
      // every batch (kafkajs's auto-commit ignores its interval after a batch): at a trickle of
      // single events the projectors' commits were ~100 broker requests a second.
      autoCommit: false,
      autoCommitInterval: 5_000,
      eachBatch: async ({ batch, heartbeat, commitOffsetsIfNecessary, isStale }) => {
        if (isStale()) return;
        const readers = this.readers.get(batch.topic);
        if (!readers) return;
        const decoded = await decodeBatch(this.serde, batch, readers.types);
        const key = `${batch.topic}:${batch.partition}`;
        // A batch with nothing any projection applies (their `types` skipped it all) moves the
        // checkpoints only now and then: a transaction a batch for the audit log's pass over the
        // events topic was ~150 commits a second under load for nothing. A restart fetches those
        // few seconds again and skips them again.
        if (decoded.records.length === 0 && decoded.undecodable.length === 0 && this.rewound.has(key)
          && Date.now() - (this.checkpointedAt.get(key) ?? 0) < IDLE_CHECKPOINT_MS) {
          this.positions.set(key, BigInt(batch.lastOffset()) + 1n);
          await commitOffsetsIfNecessary();
          await heartbeat();
          return;
        }
        let applied: { rewindTo?: bigint };
        try {
          applied = await this.applyBatch(batch, readers.projections, decoded, false);
        } catch (err) {
          if (isTransient(err)) throw err;
          // Something in the batch cannot be applied: again, record by record, setting aside
          // what still fails (ARCHITECTURE 12).
          applied = await this.applyBatch(batch, readers.projections, decoded, true);
        }
        if (applied.rewindTo !== undefined) {
          consumer.seek({ topic: batch.topic, partition: batch.partition, offset: applied.rewindTo.toString() });
          return;
        }
        this.positions.set(key, BigInt(batch.lastOffset()) + 1n);
        this.checkpointedAt.set(key, Date.now());
        await commitOffsetsIfNecessary();
        await heartbeat();
      },
    });
  }

  /**
   * One batch in one transaction with the checkpoints of every projection reading its topic.
   * Records below a projection's checkpoint are skipped for it. A batch that starts above the
   * lowest of them (the group's offsets are ahead of Postgres: a read model that was reset,
   * restored or added) is not applied: the answer says where to fetch from instead, once per
   * partition (a transaction marker at the checkpoint makes a batch start just past it).
   * `isolated` applies each record in a savepoint of its own and sets aside those that fail.
   */
  private async applyBatch(batch: Batch, projections: readonly Projection[], decoded: Decoded, isolated: boolean): Promise<{ rewindTo?: bigint }> {
    const after: Array<() => Promise<void>> = [];
    const result = await this.applyInTransaction(batch, projections, decoded, isolated, after);
    for (const run of after) {
      run().catch((err: unknown) => console.error(`mittr projector: after-commit work failed: ${describeError(err)}`));
    }
    return result;
  }

  private async applyInTransaction(batch: Batch, projections: readonly Projection[], { records: all, undecodable }: Decoded, isolated: boolean,
    after: Array<() => Promise<void>>): Promise<{ rewindTo?: bigint }> {
    const next = BigInt(batch.lastOffset()) + 1n;
    const key = `${batch.topic}:${batch.partition}`;
    const names = projections.map((p) => p.name);
    return this.db.transaction(async (tx) => {
      const at = await lockCheckpoints(tx, names, batch.topic, batch.partition);
      // An erased workspace's records are left out of every read model (services/gdpr).
      const records = await withoutErased(tx, all);
      const fromOf = (p: Projection) => at.get(p.name) ?? 0n;
      const lowest = projections.reduce((m, p) => (fromOf(p) < m ? fromOf(p) : m), next);
      const first = BigInt(batch.firstOffset() ?? next.toString());
      if (first > lowest && !this.rewound.has(key)) {
        this.rewound.add(key);
        return { rewindTo: lowest };
      }
      this.rewound.add(key);
      const moved: string[] = [];
      const source: Source = { topic: batch.topic, partition: batch.partition };
      for (const p of projections) {
        const from = fromOf(p);
        const fresh = freshFor(p, records, from);
        if (fresh.length > 0 && !isolated) await p.apply(tx, fresh.map((m) => m.event), source);
        if (fresh.length > 0 && p.afterCommit) after.push(() => p.afterCommit!(this.db, fresh.map((m) => m.event)));
        if (isolated) {
          for (const m of fresh) {
            try {
              await tx.transaction((sp) => p.apply(sp, [m.event], source));
            } catch (error) {
              if (isTransient(error)) throw error;
              await this.setAside(tx, p, unapplied(m, error));
            }
          }
        }
        for (const u of undecodable) if (BigInt(u.offset) >= from) await this.setAside(tx, p, u);
        if (next > from) moved.push(p.name);
      }
      await moveCheckpoints(tx, moved, batch.topic, batch.partition, next);
      return {};
    });
  }

  private async setAside(tx: DatabaseTransactionConnection, p: Projection, u: Unapplied): Promise<void> {
    console.error(`mittr projector.${p.name}: set aside ${u.topic}[${u.partition}]@${u.offset} (${u.recordType ?? 'no type'}): ${describeError(u.error)}`);
    await insertUnapplied(tx, p.name, u, u.timestamp);
  }

  /**
   * A log that was reset is noticed (ARCHITECTURE 12): when the Kafka cluster is not the one the
   * checkpoints were written against (a new Kafka has a new cluster id), or a checkpoint is past
   * its partition's end or names a partition that is gone (a topic recreated), the read model was
   * built from another log. Serving it would hide the new log's records for ever (their offsets
   * are below the checkpoints), so it is emptied and rebuilt from this log, said in the log and
   * kept in projection_resets for /health. Under an advisory lock: several processes of one
   * projector starting at once decide once.
   */
  private async noticeResetLog(projection: Projection): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    let clusterId: string;
    const ends = new Map<string, bigint>();
    try {
      clusterId = (await retryRetriable(() => admin.describeCluster())).clusterId;
      for (const topic of projection.topics) {
        for (const o of await retryRetriable(() => admin.fetchTopicOffsets(topic))) ends.set(`${topic}:${o.partition}`, BigInt(o.high));
      }
    } finally {
      await admin.disconnect();
    }
    const name = projection.name;
    await this.db.transaction(async (tx) => {
      await tx.query(sql.unsafe`SELECT pg_advisory_xact_lock(hashtext(${`mittr-projector:${name}`}))`);
      const known = await tx.maybeOneFirst(sql.type(z.object({ cluster_id: z.string() }))`
        SELECT cluster_id FROM projection_logs WHERE projector = ${name}`);
      const checkpoints = await tx.any(sql.type(checkpointsRow)`
        SELECT projector, topic, partition, next_offset FROM projection_checkpoints WHERE projector = ${name}`);
      const reasons: string[] = [];
      if (known !== null && known !== clusterId) reasons.push(`Kafka cluster ${clusterId} is not ${known}, the one its checkpoints were written against`);
      for (const c of checkpoints) {
        const end = ends.get(`${c.topic}:${c.partition}`);
        if (end === undefined) {
          if (projection.topics.includes(c.topic)) reasons.push(`${c.topic}[${c.partition}] is gone`);
        } else if (c.next_offset > end) {
          reasons.push(`its checkpoint ${c.next_offset} is past the end (${end}) of ${c.topic}[${c.partition}]`);
        }
      }
      if (reasons.length > 0 && checkpoints.length > 0) {
        const reason = reasons.slice(0, 5).join('; ');
        console.error(`mittr projector.${name}: the log was reset (${reason}); rebuilding its read model (${projection.tables.join(', ')}) from this log`);
        await tx.query(sql.unsafe`TRUNCATE ${sql.join(projection.tables.map((t) => sql.identifier([t])), sql.fragment`, `)}`);
        await tx.query(sql.unsafe`DELETE FROM projection_checkpoints WHERE projector = ${name}`);
        await tx.query(sql.unsafe`INSERT INTO projection_resets (projector, reason) VALUES (${name}, ${reason})`);
      }
      await tx.query(sql.unsafe`
        INSERT INTO projection_logs (projector, cluster_id) VALUES (${name}, ${clusterId})
        ON CONFLICT (projector) DO UPDATE SET cluster_id = EXCLUDED.cluster_id`);
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect();
  }
}

/**
 * The next offset each of `names` applies in (topic, partition), locked till the transaction
 * ends: a rebuild and a live projector, or two consumers in a rebalance, apply a partition's
 * records one after the other, each from where the other left it.
 */
export async function lockCheckpoints(tx: DatabaseTransactionConnection, names: readonly string[], topic: string, partition: number): Promise<Map<string, bigint>> {
  const rows = await tx.any(sql.type(partitionCheckpointRow)`
    SELECT projector, next_offset FROM projection_checkpoints
    WHERE projector = ANY(${sql.array([...names], 'text')}) AND topic = ${topic} AND partition = ${partition}
    ORDER BY projector
    FOR UPDATE`);
  return new Map(rows.map((r) => [r.projector, r.next_offset]));
}

/** The records `p` has not applied (at or above its checkpoint `from`) and applies (its types). */
export function freshFor<R extends Positioned>(p: Projection, records: readonly R[], from: bigint): R[] {
  return records.filter((m) => BigInt(m.offset) >= from && (p.types === undefined || p.types.includes(m.event.type)));
}

/** Moves the checkpoints of `names` in (topic, partition) to `next`, in the transaction that applied the records below it. */
export async function moveCheckpoints(tx: DatabaseTransactionConnection, names: readonly string[], topic: string, partition: number, next: bigint): Promise<void> {
  if (names.length === 0) return;
  await tx.query(sql.unsafe`
    INSERT INTO projection_checkpoints (projector, topic, partition, next_offset)
    SELECT name, ${topic}, ${partition}, ${next.toString()} FROM unnest(${sql.array([...names], 'text')}::text[]) AS t(name)
    ON CONFLICT (projector, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset`);
}

/**
 * The exactly-once step of ProjectionRunner.applyBatch without Kafka, for one projection: the
 * records of (topic, partition) at or above its checkpoint applied, and the checkpoint moved to
 * `next` (past the last record when not given), in `tx`. What test/support/redelivery.ts
 * delivers records through, so "delivered again" is what the runner would do with them.
 */
export async function applyAtPositions(tx: DatabaseTransactionConnection, p: Projection, topic: string, partition: number, records: readonly Positioned[], next?: bigint): Promise<void> {
  const from = (await lockCheckpoints(tx, [p.name], topic, partition)).get(p.name) ?? 0n;
  const end = next ?? records.reduce((n, m) => (BigInt(m.offset) + 1n > n ? BigInt(m.offset) + 1n : n), 0n);
  const fresh = freshFor(p, await withoutErased(tx, records), from);
  if (fresh.length > 0) await p.apply(tx, fresh.map((m) => m.event), { topic, partition });
  if (end > from) await moveCheckpoints(tx, [p.name], topic, partition, end);
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
