type Entry<V> = { at: number; value: Promise<V>; settled: boolean };

/**
 * Values read at most once per `ms` per key, shared by concurrent callers: a flood of requests
 * costs the source (a broker, Postgres) one read per key and period, and callers get an answer
 * at most `ms` old (counted from when its read began). A read still running is waited for, not
 * doubled, however long it takes; a failed read is not kept, so the next caller tries again.
 */
export class FreshCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  private readonly ms: number;
  private readonly read: (key: K) => Promise<V>;
  private readonly now: () => number;

  constructor(ms: number, read: (key: K) => Promise<V>, now: () => number = () => performance.now()) {
    this.ms = ms;
    this.read = read;
    this.now = now;
  }

  get(key: K): Promise<V> {
    const t = this.now();
    const known = this.entries.get(key);
    if (known && (!known.settled || t - known.at < this.ms)) return known.value;
    // Stale entries of keys nobody asks for again are dropped as new ones come.
    for (const [k, e] of this.entries) if (e.settled && t - e.at >= this.ms) this.entries.delete(k);
    const entry: Entry<V> = { at: t, value: this.read(key), settled: false };
    this.entries.set(key, entry);
    entry.value.then(() => { entry.settled = true; }, () => { if (this.entries.get(key) === entry) this.entries.delete(key); });
    return entry.value;
  }
}
