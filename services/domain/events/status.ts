/** The public status of an event, folded from its destinations' progress. */
export type EventStatus = 'queued' | 'delivering' | 'delivered' | 'failed' | 'dead';
export const EVENT_STATUSES: readonly EventStatus[] = ['queued', 'delivering', 'delivered', 'failed', 'dead'];

export type Progress = {
  /** null until the router has resolved the destinations. */
  total: number | null; delivered: number; dead: number; retrying: number; attempts: number;
};

/**
 * delivered: every destination succeeded (an event that matched no endpoint counts as delivered,
 * vacuously, with no attempts); dead: all done and at least one exhausted its attempts;
 * failed: a retry is scheduled; delivering: some destinations done, others in progress.
 */
export function foldStatus(p: Progress): EventStatus {
  if (p.total === null) return 'queued';
  if (p.delivered + p.dead >= p.total) return p.dead > 0 ? 'dead' : 'delivered';
  if (p.retrying > 0) return 'failed';
  return p.attempts > 0 ? 'delivering' : 'queued';
}
