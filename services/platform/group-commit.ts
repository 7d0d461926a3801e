/**
 * Group commit for a statement many concurrent requests each need once (an INSERT of their
 * rows, an UPDATE of their keys): the first caller's items go once the event loop has run what
 * is ready now (setImmediate), so every request read in the same turn of the loop, or resumed
 * by the same earlier group, travels with it; items submitted while a group is in flight wait
 * and travel together in the next one. Under load a group holds every request that arrived
 * during one round trip, so N requests cost about one statement, one commit and one socket
 * write instead of N; alone, a request waits for nothing but the end of the loop's turn.
 *
 * `run` answers one result per item, in order; when it throws, every item of that group gets
 * the error. A group holds at most `maxItems` items (a caller's items are never split: a
 * caller whose items alone exceed it goes alone).
 */
export class GroupCommit<I, O> {
  private readonly run: (items: I[]) => Promise<O[]>;
  private readonly maxItems: number;
  private queue: Array<{ items: I[]; resolve: (out: O[]) => void; reject: (err: unknown) => void }> = [];
  private running = false;

  constructor(run: (items: I[]) => Promise<O[]>, maxItems = 1_000) {
    this.run = run;
    this.maxItems = maxItems;
  }

  /** Runs `items` in the next group; answers their results, in order. */
  submit(items: I[]): Promise<O[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      if (!this.running) this.schedule();
    });
  }

  /**
   * Starts the next group after what is ready now: started at once, the first of many callers
   * resumed in one turn (a group of reservations resolving) went alone and the rest waited a
   * whole round trip behind it.
   */
  private schedule(): void {
    this.running = true;
    setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const group: typeof this.queue = [];
      let size = 0;
      while (this.queue.length > 0 && (group.length === 0 || size + this.queue[0]!.items.length <= this.maxItems)) {
        const w = this.queue.shift()!;
        group.push(w);
        size += w.items.length;
      }
      try {
        const out = await this.run(group.flatMap((w) => w.items));
        let at = 0;
        for (const w of group) {
          w.resolve(out.slice(at, at + w.items.length));
          at += w.items.length;
        }
      } catch (err) {
        for (const w of group) w.reject(err);
      }
    }
    this.running = false;
  }
}
