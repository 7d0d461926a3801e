/**
 * Consumer lag over time, per consumer group of one run (the groups named with its topic
 * prefix): every second, the committed offsets of each group against the end offsets of the
 * topics it consumes. Shows which stage (router, engine, projectors) falls behind.
 * Projectors keep their true position in Postgres (projection_checkpoints, written with the
 * read model); for them the further of the two positions counts.
 * Offsets count records (transaction markers included), not events: read it as a shape.
 */
import { Kafka, logLevel, type Admin } from 'kafkajs';
import pg from 'pg';
import { STACK } from './stack.ts';

export type LagTimeline = { everyMs: number; groups: Record<string, number[]> };

export class LagSampler {
  private readonly prefix: string;
  private readonly admin: Admin;
  private readonly groups: Record<string, number[]> = {};
  private timer?: NodeJS.Timeout;
  private busy = false;
  private ticks = 0;
  private readonly everyMs: number;
  private readonly schema: string;
  private readonly db = new pg.Client({ connectionString: STACK.databaseUrl });

  constructor(prefix: string, schema: string, everyMs = 1_000) {
    this.prefix = prefix;
    this.schema = schema;
    this.everyMs = everyMs;
    const kafka = new Kafka({ clientId: 'mittr-bench-lag', brokers: STACK.kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
    this.admin = kafka.admin();
  }

  async start(): Promise<void> {
    await this.admin.connect();
    await this.db.connect();
    this.timer = setInterval(() => void this.sample(), this.everyMs);
  }

  private async sample(): Promise<void> {
    const tick = this.ticks++;
    if (this.busy) return; // a slow broker answer skips a tick instead of piling up
    this.busy = true;
    try {
      const groups = (await this.admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(this.prefix));
      const ends = new Map<string, Map<number, bigint>>();
      const endOf = async (topic: string) => {
        let m = ends.get(topic);
        if (!m) {
          m = new Map((await this.admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
          ends.set(topic, m);
        }
        return m;
      };
      // The projectors share one consumer group (projector.all) but each has its checkpoints: a
      // projector's lag is its checkpoints against the topic ends, a series per projector.
      const checkpoints = new Map<string, bigint>(); // "<group>|<topic>|<partition>" -> next offset
      try {
        const rows = (await this.db.query<{ projector: string; topic: string; partition: number; next_offset: string }>(
          `SELECT projector, topic, partition, next_offset FROM "${this.schema}".projection_checkpoints`)).rows;
        for (const r of rows) {
          checkpoints.set(`${this.prefix}projector.${r.projector}|${r.topic}|${r.partition}`, BigInt(r.next_offset));
          if (!groups.includes(`${this.prefix}projector.${r.projector}`)) groups.push(`${this.prefix}projector.${r.projector}`);
        }
      } catch { /* no schema yet */ }
      for (const g of groups) {
        if (g === `${this.prefix}projector.all`) continue;
        const committed = await this.admin.fetchOffsets({ groupId: g });
        const positions = new Map<string, bigint>(); // "<topic>|<partition>" -> position
        for (const t of committed) {
          for (const p of t.partitions) positions.set(`${t.topic}|${p.partition}`, BigInt(p.offset));
        }
        for (const [k, next] of checkpoints) {
          if (!k.startsWith(`${g}|`)) continue;
          const tp = k.slice(g.length + 1);
          positions.set(tp, next > (positions.get(tp) ?? -1n) ? next : positions.get(tp)!);
        }
        let lag = 0n;
        for (const [tp, c] of positions) {
          const cut = tp.lastIndexOf('|');
          const topic = tp.slice(0, cut);
          if (!topic.startsWith(this.prefix)) continue;
          const e = (await endOf(topic)).get(Number(tp.slice(cut + 1))) ?? 0n;
          lag += c < 0n ? e : e > c ? e - c : 0n;
        }
        const name = g.slice(this.prefix.length);
        const series = (this.groups[name] ??= []);
        while (series.length < tick) series.push(Number.NaN);
        series[tick] = Number(lag);
      }
    } catch {
      /* a tick without data */
    } finally {
      this.busy = false;
    }
  }

  async stop(): Promise<LagTimeline> {
    if (this.timer) clearInterval(this.timer);
    await this.admin.disconnect().catch(() => undefined);
    await this.db.end().catch(() => undefined);
    return { everyMs: this.everyMs, groups: this.groups };
  }
}

/** The largest lag each group reached. */
export function maxLag(t: LagTimeline): Record<string, number> {
  return Object.fromEntries(Object.entries(t.groups).map(([g, s]) => [g, Math.max(0, ...s.filter(Number.isFinite))]));
}
