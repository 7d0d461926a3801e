/** How many failed logins are let through in a window, per e-mail and per client address. */
export const LOGIN_LIMITS = { perEmail: 10, perAddress: 50, windowMs: 15 * 60_000 } as const;

/**
 * How long a caller must wait before another try (a login, a signup), given the times of the
 * tries counted against it (newest last): 0 while fewer than `limit` fell inside the window
 * ending now, else until the oldest of the last `limit` leaves the window.
 */
export function retryAfterMs(tries: readonly number[], limit: number, windowMs: number, now: number): number {
  const recent = tries.filter((t) => t > now - windowMs);
  if (recent.length < limit) return 0;
  return recent[recent.length - limit]! + windowMs - now;
}
