import type { Admin, Kafka } from 'kafkajs';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import type { Topics } from '../../capabilities.ts';
import { FreshCache } from '../fresh.ts';

/**
 * How far behind the log the deployment's consumers are, in records (offsets: a transaction's
 * commit marker counts as one, so an idle partition written in transactions can show 1).
 */
export type Lag = {
  measuredAt: number;
  /** Per consumer group of the deployment (its name without the topic prefix): end offset minus committed offset, over the partitions it committed. */
  consumerGroups: Array<{ group: string; lag: number }>;
  /**
   * Per projector: the records between its Postgres checkpoint (the truth of where it is; its
   * group's Kafka offsets are committed only every few seconds) and the end of its topics.
   */
  projections: Array<{ projector: string; lag: number }>;
};

type Extent = { low: bigint; high: bigint };
/** The extent of each partition, by topic. */
export type TopicEnds = ReadonlyMap<string, ReadonlyMap<number, Extent>>;

/** The records of a partition from `next` (null: nothing consumed, everything kept is ahead) to its end. */
export function behind(extent: Extent, next: bigint | null): bigint {
  const from = next === null || next < extent.low ? extent.low : next;
  return extent.high > from ? extent.high - from : 0n;
}

/** A consumer group's lag over the partitions it committed an offset for (kafkajs' `-1`: none yet). */
export function groupLag(ends: TopicEnds, committed: ReadonlyArray<{ topic: string; partitions: ReadonlyArray<{ partition: number; offset: string }> }>): number {
  let lag = 0n;
  for (const t of committed) {
    for (const p of t.partitions) {
      const extent = ends.get(t.topic)?.get(p.partition);
      if (extent) lag += behind(extent, p.offset === '-1' ? null : BigInt(p.offset));
    }
  }
  return Number(lag);
}

/** A projector's lag over every partition of its topics; `checkpoints` by `topic:partition` (absent: none applied yet). */
export function projectionLag(ends: TopicEnds, topics: readonly string[], checkpoints: ReadonlyMap<string, bigint>): number {
  let lag = 0n;
  for (const topic of topics) {
    for (const [partition, extent] of ends.get(topic) ?? []) lag += behind(extent, checkpoints.get(`${topic}:${partition}`) ?? null);
  }
  return Number(lag);
}

const checkpointRow = z.object({ projector: z.string(), topic: z.string(), partition: z.number(), next_offset: z.coerce.bigint() });

/** Reads at most once a second, whoever asks (GET /stats, a /metrics scrape, the stats stream). */
const FRESH_MS = 1_000;
/** A caller waits this long for a read (a broker that does not answer can hold kafkajs for its retries). */
const WAIT_MS = 2_000;

/**
 * The deployment's lag, read from the Kafka admin API (the groups' committed offsets and the
 * topics' end offsets) and the projectors' checkpoints, at most once per FRESH_MS: a flood of
 * requests costs the broker one round a second.
 */
export class LagReader {
  private admin?: Promise<Admin>;
  private readonly cache = new FreshCache<'lag', Lag>(FRESH_MS, () => this.measure());
  private readonly kafka: Kafka;
  private readonly db: DatabasePool;
  private readonly prefix: string;
  private readonly topics: Topics;

  constructor(kafka: Kafka, db: DatabasePool, prefix: string, topics: Topics) {
    this.kafka = kafka;
    this.db = db;
    this.prefix = prefix;
    this.topics = topics;
  }

  /** The lag, at most FRESH_MS old; rejects when it cannot be read within `waitMs` (the read goes on for the next caller). */
  read(waitMs = WAIT_MS): Promise<Lag> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`lag not read within ${waitMs} ms`)), waitMs); });
    return Promise.race([this.cache.get('lag'), late]).finally(() => clearTimeout(timer));
  }

  async stop(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await (await admin?.catch(() => undefined))?.disconnect();
  }

  private connected(): Promise<Admin> {
    this.admin ??= (async () => {
      const a = this.kafka.admin();
      await a.connect();
      return a;
    })();
    return this.admin;
  }

  private async measure(): Promise<Lag> {
    const measuredAt = Date.now();
    try {
      const admin = await this.connected();
      // Imported here: the assembly of every capability imports this module's users.
      const { allProjections } = await import('../../capabilities.ts');
      const [listed, projections, rows] = await Promise.all([
        admin.listGroups(),
        allProjections(this.topics),
        this.db.any(sql.type(checkpointRow)`SELECT projector, topic, partition, next_offset FROM projection_checkpoints`),
      ]);
      const groups = listed.groups.map((g) => g.groupId).filter((g) => g.startsWith(this.prefix)).sort();
      const committed = await Promise.all(groups.map((groupId) => admin.fetchOffsets({ groupId })));
      const topics = new Set([...committed.flat().map((t) => t.topic), ...projections.flatMap((p) => p.topics)]);
      const ends = await this.ends(admin, [...topics].filter((t) => t.startsWith(this.prefix)));
      const checkpoints = new Map<string, Map<string, bigint>>();
      for (const r of rows) {
        const of = checkpoints.get(r.projector) ?? new Map<string, bigint>();
        of.set(`${r.topic}:${r.partition}`, r.next_offset);
        checkpoints.set(r.projector, of);
      }
      return {
        measuredAt,
        consumerGroups: groups.map((g, i) => ({ group: g.slice(this.prefix.length), lag: groupLag(ends, committed[i]!) })),
        projections: projections.map((p) => ({ projector: p.name, lag: projectionLag(ends, p.topics, checkpoints.get(p.name) ?? new Map()) }))
          .sort((a, b) => a.projector.localeCompare(b.projector)),
      };
    } catch (err) {
      // A broken connection is opened again by the next read.
      await this.stop().catch(() => undefined);
      throw err;
    }
  }

  /** The extent of each topic's partitions; a topic gone meanwhile (a test's, deleted) is left out. */
  private async ends(admin: Admin, topics: string[]): Promise<TopicEnds> {
    const listed = await Promise.all(topics.map((t) => admin.fetchTopicOffsets(t).catch(() => [])));
    return new Map(topics.map((t, i) => [t, new Map(listed[i]!.map((o) => [o.partition, { low: BigInt(o.low), high: BigInt(o.high) }]))]));
  }
}

const readers = new WeakMap<object, LagReader>();

/** This API process's lag reader (one per context, shared by its routes, so they share its cache). */
export function lagReader(ctx: { kafka: Kafka; db: DatabasePool; config: { topicPrefix: string }; topics: Topics }): LagReader {
  let r = readers.get(ctx);
  if (!r) readers.set(ctx, r = new LagReader(ctx.kafka, ctx.db, ctx.config.topicPrefix, ctx.topics));
  return r;
}
