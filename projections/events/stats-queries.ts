import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { EVENT_STATUSES, type EventStatus } from '../../services/events/domain/status.ts';
import { ts } from './projector.ts';

/** A project's events and deliveries as the events read model holds them now. */
export type ProjectCounts = {
  events: Record<EventStatus, number> & { total: number };
  /** Destinations of the events' current routings. */
  deliveries: { notAttempted: number; retryScheduled: number; dead: number };
  /** Attempts made in the minute before `at` (by their attempt time), and those that succeeded. */
  lastMinute: { attempts: number; successes: number };
};

const countsRow = z.object({
  statuses: z.record(z.string(), z.number()),
  deliveries: z.object({ notAttempted: z.number(), retryScheduled: z.number(), dead: z.number() }),
  last_minute: z.object({ attempts: z.number(), successes: z.number() }),
});

/**
 * The counts behind GET /stats, in one snapshot. Deliveries waiting are the destinations of
 * current routings in state `queued` (routed, no attempt projected yet: held by a paused
 * endpoint or an open circuit, or a poll message not acked yet) and `retrying` (the last attempt
 * failed and a retry is scheduled); an event not routed yet has no destinations yet and counts
 * only among the events queued. Only events not delivered are joined: a delivered event's
 * destinations are all delivered.
 */
export async function projectCounts(db: DatabasePool, projectId: string, at: number): Promise<ProjectCounts> {
  const row = await db.one(sql.type(countsRow)`
    SELECT
      (SELECT coalesce(json_object_agg(status, n), '{}') FROM (
         SELECT status, count(*)::int AS n FROM events WHERE project_id = ${projectId} GROUP BY status) s) AS statuses,
      (SELECT json_build_object(
         'notAttempted', count(*) FILTER (WHERE x.state = 'queued'),
         'retryScheduled', count(*) FILTER (WHERE x.state = 'retrying'),
         'dead', count(*) FILTER (WHERE x.state = 'dead'))
       FROM events e JOIN event_destinations x ON x.event_id = e.id AND x.routed_at = e.routed_at
       WHERE e.project_id = ${projectId} AND e.status <> 'delivered') AS deliveries,
      (SELECT json_build_object('attempts', count(*), 'successes', count(*) FILTER (WHERE outcome = 'success'))
       FROM delivery_attempts
       WHERE project_id = ${projectId} AND attempted_at > ${ts(at - 60_000)} AND attempted_at <= ${ts(at)}) AS last_minute`);
  const events = Object.fromEntries(EVENT_STATUSES.map((s) => [s, row.statuses[s] ?? 0])) as Record<EventStatus, number>;
  return {
    events: { ...events, total: Object.values(row.statuses).reduce((a, b) => a + b, 0) },
    deliveries: row.deliveries,
    lastMinute: row.last_minute,
  };
}
