import type { Position } from '../platform/kafka/appender.ts';
import { usageKey, type UsageKey, type UsageSnapshot } from '../../projections/usage/queries.ts';

/**
 * Messages this process took: reserved until appended (no positions yet), then until the usage
 * projector passes them. `left` is how many of the `n` the read model does not count yet.
 */
type Taken = { n: number; left: number; positions: readonly Position[] | null };
type Entry = { key: UsageKey; base: number; taken: Set<Taken>; usedAt: number };

/** Settles what `take` took: the records are in the log at `positions`, or they never will be. */
export type Ticket = { appended(positions: readonly Position[]): void; release(): void };
export const NO_TICKET: Ticket = { appended: () => undefined, release: () => undefined };

export type UsageCounterOptions = {
  /** Reads the usage read model's counts of the keys and its checkpoints in one snapshot. */
  load: (keys: readonly UsageKey[]) => Promise<UsageSnapshot>;
  refreshMs?: number;
  /** An (account, month) not used for this long, with nothing in flight, is forgotten. */
  idleMs?: number;
  onError?: (err: unknown) => void;
};

/**
 * Messages used per (account, month), as this API process knows them, without a query per request.
 *
 * An entry is seeded from the usage read model on first use (the first request of an account in
 * a month waits for that one query). What this process takes is added locally at once, so within
 * the process the check and the count cannot race. Every `refreshMs` the entries are read again,
 * together with the usage projector's checkpoints from the same snapshot: a take whose records the
 * projector has passed is in the read model's count and is dropped from the local part; one it
 * has not passed (or not yet appended) stays added. So this process's own accepts are counted
 * exactly, never missed, and another process's are seen once projected and read: with P API
 * processes an account can overshoot its limit by at most what the other P-1 processes accept
 * for it within one refresh interval plus the projection lag (~2-3 s by default), never more
 * than (P-1) times its remaining allowance. A take is never counted twice: a request's records
 * are consecutive in one partition, so the checkpoint says how many of them the count holds.
 *
 * A read model that goes backwards (an in-place rebuild refilling it) does not lower the count:
 * the last higher count is kept until the rebuild has caught up.
 */
export class UsageCounter {
  private readonly entries = new Map<string, Entry>();
  private readonly loading = new Map<string, Promise<Entry>>();
  private readonly opts: Required<UsageCounterOptions>;
  private timer: NodeJS.Timeout | undefined;
  private refreshing = false;

  constructor(opts: UsageCounterOptions) {
    this.opts = { refreshMs: 2_000, idleMs: 600_000, onError: () => undefined, ...opts };
  }

  /** Messages used in the month: the read model's count plus this process's takes it does not count yet. */
  async used(key: UsageKey): Promise<number> {
    return this.estimate(await this.entry(key));
  }

  /**
   * Takes `n` messages of the month if `check(used)` does not throw (a pure decider). Check and
   * take happen with no await between them, so concurrent requests of this process cannot both
   * fit in the same remainder. The ticket must be settled: `appended` or `release`.
   */
  async take(key: UsageKey, n: number, check: (used: number) => void): Promise<Ticket> {
    const e = await this.entry(key);
    check(this.estimate(e));
    const taken: Taken = { n, left: n, positions: null };
    e.taken.add(taken);
    e.usedAt = Date.now();
    return {
      appended: (positions) => { taken.positions = positions; },
      release: () => { e.taken.delete(taken); },
    };
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private estimate(e: Entry): number {
    let n = e.base;
    for (const t of e.taken) n += t.left;
    return n;
  }

  private async entry(key: UsageKey): Promise<Entry> {
    const k = usageKey(key);
    const known = this.entries.get(k);
    if (known) return known;
    let loading = this.loading.get(k);
    if (!loading) {
      loading = this.opts.load([key]).then((snap) => {
        const e: Entry = { key, base: snap.counts.get(k) ?? 0, taken: new Set(), usedAt: Date.now() };
        this.entries.set(k, e);
        this.timer ??= setInterval(() => void this.refresh(), this.opts.refreshMs).unref();
        return e;
      }).finally(() => this.loading.delete(k));
      this.loading.set(k, loading);
    }
    return loading;
  }

  /** Reads every entry again (one query for all), dropping the takes the read model now counts. */
  async refresh(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      const idleSince = Date.now() - this.opts.idleMs;
      for (const [k, e] of this.entries) if (e.usedAt < idleSince && e.taken.size === 0) this.entries.delete(k);
      const entries = [...this.entries.values()];
      if (entries.length === 0) return;
      const snap = await this.opts.load(entries.map((e) => e.key));
      for (const e of entries) {
        const counted = snap.counts.get(usageKey(e.key)) ?? 0;
        // Lower than before: the read model is being rebuilt; its checkpoints say nothing of the old count.
        if (counted < e.base) continue;
        e.base = counted;
        for (const t of e.taken) {
          if (t.positions) t.left = notYetCounted(t.n, t.positions, snap.checkpoints);
          if (t.left === 0) e.taken.delete(t);
        }
      }
    } catch (err) {
      // Postgres away: the counts keep going up locally, and the next refresh catches up.
      this.opts.onError(err);
    } finally {
      this.refreshing = false;
    }
  }
}

/**
 * How many of a take's `n` records the usage projector has not applied yet. A request's records
 * share a key (its project), so they sit in one partition, consecutively, ending at its position:
 * the checkpoint says exactly how many are behind it. Records spread over several partitions
 * (not written today) are counted until all are passed.
 */
export function notYetCounted(n: number, positions: readonly Position[], checkpoints: ReadonlyMap<number, bigint>): number {
  const next = (p: Position) => checkpoints.get(p.partition) ?? 0n;
  if (positions.length !== 1) return positions.every((p) => next(p) > BigInt(p.offset)) ? 0 : n;
  const last = BigInt(positions[0]!.offset);
  const behind = next(positions[0]!) - (last - BigInt(n) + 1n);
  return n - Number(behind < 0n ? 0n : behind > BigInt(n) ? BigInt(n) : behind);
}
