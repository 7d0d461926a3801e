/**
 * The public status of an event, folded from its current routing's destinations (the events
 * projection computes it in SQL, projections/events/projector.ts `recompute`):
 * queued: not routed yet or nothing attempted; delivering: some destinations done, others in
 * progress; delivered: every destination succeeded (an event that matched no endpoint counts as
 * delivered, vacuously, with no attempts); failed: a retry is scheduled; dead: all done and at
 * least one exhausted its attempts (the dead letter queue; replayable).
 */
export type EventStatus = 'queued' | 'delivering' | 'delivered' | 'failed' | 'dead';
export const EVENT_STATUSES: readonly EventStatus[] = ['queued', 'delivering', 'delivered', 'failed', 'dead'];
