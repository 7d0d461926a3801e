/**
 * Per-endpoint pacing: slots 1/rate apart, so the receiver never sees more than `rate` per second
 * from this process. With several engine processes each takes rate / processes. Excess waits; it
 * is neither dropped nor counted as a failure.
 */
export class RateLimiter {
  private readonly next = new Map<string, number>();

  /** Resolves when this delivery may go. */
  async acquire(endpointId: string, perSecond: number, now: () => number = Date.now): Promise<void> {
    if (perSecond <= 0) return;
    const spacing = 1000 / perSecond;
    const t = now();
    const slot = Math.max(t, this.next.get(endpointId) ?? 0);
    this.next.set(endpointId, slot + spacing);
    if (slot > t) await new Promise((r) => setTimeout(r, slot - t));
  }
}
