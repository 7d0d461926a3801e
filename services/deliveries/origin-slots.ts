import PQueue from 'p-queue';

/**
 * At most `perOrigin` attempts in flight to one origin (scheme, host, port); the rest wait here,
 * higher priority first, then in arrival order. It matches the delivery agent's connections per
 * origin, so no request waits inside undici: a request's timeout counts the receiver's time only,
 * and a flood holds waiting attempts as small closures, not as thousands of open requests with
 * their timers, signals and signed headers.
 */
export class OriginSlots {
  private readonly queues = new Map<string, PQueue>();
  private readonly perOrigin: number;

  constructor(perOrigin: number) {
    this.perOrigin = perOrigin;
  }

  /** Runs `fn` once `url`'s origin has a free slot; `priority`: higher runs first. */
  async run<T>(url: string, priority: number, fn: () => Promise<T>): Promise<T> {
    const origin = originOf(url);
    let q = this.queues.get(origin);
    if (!q) {
      q = new PQueue({ concurrency: this.perOrigin });
      this.queues.set(origin, q);
    }
    try {
      return await q.add(fn, { priority });
    } finally {
      if (q.size === 0 && q.pending === 0 && this.queues.get(origin) === q) this.queues.delete(origin);
    }
  }

  /** Origins with attempts running or waiting (idle ones are forgotten). */
  get origins(): number {
    return this.queues.size;
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
