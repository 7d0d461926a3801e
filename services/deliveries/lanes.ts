/**
 * Priority lanes, plus one lane of FIFO endpoints: a FIFO key waits in place (a retry, a paused
 * endpoint, an open circuit), so a FIFO backlog must never fill the partitions that other
 * endpoints' deliveries go through.
 */
export const LANES = ['high', 'normal', 'low', 'fifo'] as const;
export type Lane = (typeof LANES)[number];

/** Delay tiers (ARCHITECTURE 7): every message of a tier shares its delay, so each is due-ordered. */
export const DELAY_TIERS_MS = [1_000, 5_000, 30_000, 120_000, 600_000, 3_600_000, 21_600_000] as const;

/**
 * Each lane's weight: how many deliveries a partition of the lane may hold at once (the engine
 * runs them all; they wait for a connection to their origin, 64 per origin, in priority order).
 * The weights keep the lanes' ratio 8:4:1; FIFO keys wait in place, so that lane holds more.
 * Lower than before (1,000/500/125): under the e2e backlog the held deliveries were the largest
 * load-dependent part of the main thread's heap. Normal at 500 -> 150 -> 64 per partition: e2e
 * peak RSS 370-379 -> 343 -> 339 MB, deliveries/s unchanged (~3,200-3,300); 128 keeps a margin
 * for endpoints on many origins. FIFO 5,000 -> 1,000: the fifo benchmark (1,000 keys, 10 %
 * failures retried in place) peaked at 346-353 MB instead of 389-393, with the same FIFO
 * deliveries/s (4,317-4,567 vs 4,307-4,554); a held key needs its next message, not thousands.
 */
export const LANE_WEIGHTS: Record<Lane, number> = { high: 256, normal: 128, low: 32, fifo: 1_000 };

/** Priority 1..10 maps onto three lanes consumed with weights (ARCHITECTURE 8); FIFO endpoints have their own. */
export function laneOf(priority: number): Lane {
  if (priority <= 3) return 'high';
  if (priority <= 7) return 'normal';
  return 'low';
}
