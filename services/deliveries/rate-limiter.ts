/** One endpoint's pacing here, and what GET /metrics/rate-limits shows of it. */
type Pace = {
  /** The earliest time the next delivery may go. */
  next: number;
  /** This process's share of the endpoint's limit (0: none), as the last delivery gave it. */
  perSecond: number;
  /** Deliveries let go so far (at once, or when their slot came): the send rate is its rise between two readings. */
  sent: number;
  /** When each delivery now sleeping on the limit began to wait, oldest first (from `head`). */
  since: number[];
  head: number;
};

/** One endpoint in a limiter's snapshot (services/deliveries/rate-limit-snapshots.ts). */
export type PaceReading = {
  endpointId: string;
  /** This process's share of the limit, per second; 0 when the endpoint has none. */
  perSecond: number;
  /** Deliveries sent since the previous reading. */
  sent: number;
  /** Deliveries sleeping on the limit now. */
  waiting: number;
  /** How long the oldest of them has waited so far (0 when none waits). */
  longestWaitMs: number;
  /** How long a delivery arriving now would wait for its slot. */
  expectedWaitMs: number;
};

/**
 * Per-endpoint pacing: slots 1/rate apart, so the receiver never sees more than `rate` per second
 * from this process. With several engine processes each takes rate / processes. Excess waits; it
 * is neither dropped nor counted as a failure.
 *
 * It also keeps what the rate-limit metrics show, at the cost of a counter per delivery: the
 * arrival times it records are only those of deliveries that do sleep, which a limit makes few.
 */
export class RateLimiter {
  private readonly paces = new Map<string, Pace>();
  private readonly read = new Map<string, number>();

  /**
   * Counts a delivery to `endpointId` and answers what it must wait for before it goes (undefined:
   * it may go now). `perSecond` 0 is no limit: the delivery is only counted.
   */
  acquire(endpointId: string, perSecond: number, now: () => number = Date.now): Promise<void> | undefined {
    let p = this.paces.get(endpointId);
    if (!p) this.paces.set(endpointId, p = { next: 0, perSecond, sent: 0, since: [], head: 0 });
    p.perSecond = perSecond;
    if (perSecond <= 0) { p.sent++; return undefined; }
    const t = now();
    const slot = Math.max(t, p.next);
    p.next = slot + 1000 / perSecond;
    if (slot <= t) { p.sent++; return undefined; }
    p.since.push(t);
    const pace = p;
    return new Promise((resolve) => setTimeout(() => { release(pace); resolve(); }, slot - t));
  }

  /**
   * What each endpoint seen since the previous reading did (sends counted since then), and
   * what waits now. An endpoint idle since then is forgotten: its next slot is past anyway.
   */
  readings(t: number = Date.now()): PaceReading[] {
    const out: PaceReading[] = [];
    for (const [endpointId, p] of this.paces) {
      const sent = p.sent - (this.read.get(endpointId) ?? 0);
      const waiting = p.since.length - p.head;
      if (sent === 0 && waiting === 0 && p.next <= t) {
        this.paces.delete(endpointId);
        this.read.delete(endpointId);
        continue;
      }
      this.read.set(endpointId, p.sent);
      out.push({
        endpointId, perSecond: p.perSecond, sent, waiting,
        longestWaitMs: waiting > 0 ? Math.max(0, t - p.since[p.head]!) : 0,
        expectedWaitMs: Math.max(0, Math.round(p.next - t)),
      });
    }
    return out;
  }
}

/** A sleeping delivery goes: the oldest arrival leaves the queue (slots are handed out in arrival order). */
function release(p: Pace): void {
  p.sent++;
  p.head++;
  if (p.head === p.since.length) { p.since.length = 0; p.head = 0; }
  else if (p.head > 1024) { p.since.splice(0, p.head); p.head = 0; }
}
