/** A key's rate limit counts requests a minute, in a window that slides. */
export const RATE_WINDOW_MS = 60_000;

/**
 * The sliding-window counter: the requests of the previous fixed window are weighed by how much
 * of it the sliding window still covers, so a burst at a window's edge cannot pass twice the
 * limit. `share` is this process's part of the limit (the limit over the API processes serving).
 * Answers whether one more request is allowed, what the caller has left, and when the current
 * window ends.
 */
export function admit(
  counts: { previous: number; current: number }, windowStart: number, now: number, limit: number, share: number,
): { allowed: boolean; remaining: number; resetMs: number } {
  const covered = 1 - (now - windowStart) / RATE_WINDOW_MS;
  const used = counts.previous * Math.max(0, covered) + counts.current;
  const allowed = used + 1 <= share;
  // What is left, for the whole key: this process's room scaled back up to the key's limit.
  const remaining = Math.max(0, Math.floor(((share - used - (allowed ? 1 : 0)) / share) * limit));
  return { allowed, remaining, resetMs: windowStart + RATE_WINDOW_MS - now };
}
