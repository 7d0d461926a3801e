import { LRUCache } from 'lru-cache';
import { admit, RATE_WINDOW_MS } from '../accounts/domain/rate-limit.ts';

type Window = { start: number; previous: number; current: number };

/**
 * A count a minute per key (an inbound endpoint's path suffix), in the sliding window API keys
 * are limited with (services/accounts/domain/rate-limit.ts), in this process's memory: the
 * receiver answers a flood without a query. `take` answers null when one more is allowed, else
 * the seconds until the window lets one in.
 */
export class PerKeyLimiter {
  private readonly windows = new LRUCache<string, Window>({ max: 100_000 });
  private readonly limit: number;
  constructor(limit: number) {
    this.limit = limit;
  }

  take(key: string, now = Date.now()): number | null {
    const start = now - (now % RATE_WINDOW_MS);
    let w = this.windows.get(key);
    if (!w || w.start !== start) {
      w = { start, previous: w && w.start === start - RATE_WINDOW_MS ? w.current : 0, current: 0 };
      this.windows.set(key, w);
    }
    const verdict = admit(w, start, now, this.limit, this.limit);
    if (!verdict.allowed) return Math.max(1, Math.ceil(verdict.resetMs / 1000));
    w.current++;
    return null;
  }
}
