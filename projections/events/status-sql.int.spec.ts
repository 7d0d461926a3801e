import { sql } from 'slonik';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { projectionFixture } from '../../test/support/mittr.ts';
import { statusOf, type RoutingCounts } from '../../services/events/domain/status.ts';
import { eventsProjection } from './projector.ts';
import { statusSql } from './status-sql.ts';

/** Every routing of up to three destinations: each one not attempted, retrying, delivered or dead. */
function routings(): RoutingCounts[] {
  const out: RoutingCounts[] = [{ total: null, delivered: 0, dead: 0, retrying: 0, attempts: 0 }];
  for (let total = 0; total <= 3; total++) {
    for (let delivered = 0; delivered <= total; delivered++) {
      for (let dead = 0; delivered + dead <= total; dead++) {
        for (let retrying = 0; delivered + dead + retrying <= total; retrying++) {
          const done = delivered + dead + retrying;
          // Every attempted destination counts at least one attempt; a retrying one maybe more.
          for (const extra of [0, 2]) out.push({ total, delivered, dead, retrying, attempts: done + (retrying > 0 ? extra : 0) });
        }
      }
    }
  }
  return out;
}

describe('the event status rule', () => {
  const { db } = projectionFixture(eventsProjection({ events: 'events', outcomes: 'outcomes' }));

  it('is the same in the projection SQL as in services/events/domain/status.ts, for every routing of up to three destinations', async () => {
    const grid = routings();
    const expr = statusSql({
      routedAt: sql.identifier(['g', 'routed_at']), total: sql.identifier(['g', 'total']), delivered: sql.identifier(['g', 'delivered']),
      dead: sql.identifier(['g', 'dead']), retrying: sql.identifier(['g', 'retrying']), attempts: sql.identifier(['g', 'attempts']),
    });
    const rows = await db().any(sql.type(z.object({ i: z.number(), status: z.string() }))`
      SELECT g.i, ${expr} AS status
      FROM json_to_recordset(${JSON.stringify(grid.map((c, i) => ({ i, ...c, routed_at: c.total === null ? null : 1 })))})
        AS g(i int4, routed_at int8, total int4, delivered int4, dead int4, retrying int4, attempts int4)
      ORDER BY g.i`);
    expect(rows.length).toBe(grid.length);
    expect(rows.map((r) => ({ ...grid[r.i], status: r.status }))).toEqual(grid.map((c) => ({ ...c, status: statusOf(c) })));
    // The grid reaches every status.
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['queued', 'delivering', 'delivered', 'failed', 'dead']));
  });
});
