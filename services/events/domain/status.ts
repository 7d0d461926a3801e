/**
 * The public status of an event, folded from its current routing's destinations:
 * queued: not routed yet or nothing attempted; delivering: some destinations done, others in
 * progress; delivered: every destination succeeded (an event that matched no endpoint counts as
 * delivered, vacuously, with no attempts); failed: a retry is scheduled; dead: all done and at
 * least one exhausted its attempts (the dead letter queue; replayable).
 */
export type EventStatus = 'queued' | 'delivering' | 'delivered' | 'failed' | 'dead';
export const EVENT_STATUSES: readonly EventStatus[] = ['queued', 'delivering', 'delivered', 'failed', 'dead'];

/** An event's current routing, counted by destination state (total is null before routing). */
export type RoutingCounts = { total: number | null; delivered: number; dead: number; retrying: number; attempts: number };

/**
 * The rule itself. The events projection computes it in SQL over its rows
 * (projections/events/status-sql.ts); projections/events/status-sql.int.spec.ts holds the two
 * equal over every combination of a routing of up to three destinations.
 */
export function statusOf(c: RoutingCounts): EventStatus {
  if (c.total === null) return 'queued';
  if (c.delivered + c.dead >= c.total) return c.dead > 0 ? 'dead' : 'delivered';
  if (c.retrying > 0) return 'failed';
  return c.attempts > 0 ? 'delivering' : 'queued';
}
