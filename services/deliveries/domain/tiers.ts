/**
 * Delay tiers (ARCHITECTURE 7). A message waiting `remainingMs` goes to the largest tier not
 * longer than it, so a tier never releases a message late; the scheduler then cascades what is
 * left to shorter tiers. Under the shortest tier, the shortest tier holds it until due.
 */
export function tierFor(remainingMs: number, tiersMs: readonly number[]): number {
  let chosen = tiersMs[0]!;
  for (const t of tiersMs) if (t <= remainingMs) chosen = t;
  return chosen;
}

/** When a tier releases a message appended at `appendedAt`: its tier delay, or its due time if sooner. */
export function releaseAt(appendedAt: number, tierMs: number, dueAt: number): number {
  return Math.min(appendedAt + tierMs, dueAt);
}
