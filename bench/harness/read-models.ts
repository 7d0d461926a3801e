/** What the read models show during and after a run: the projection lag and the processing overhead. */
import { setTimeout as sleep } from 'node:timers/promises';
import { pgQuery, STACK } from '../lib/stack.ts';
import pg from 'pg';
import type { Env } from './env.ts';

/**
 * Projection lag, sampled: the sink keeps every n-th receipt (id, time); this loop polls the
 * events read model (the row GET /api/v1/events/{id} answers) every ~25 ms for the sampled ids
 * and records, per id, the time of the first poll that saw it `delivered` minus its receipt at
 * the sink. An upper bound with a resolution of one poll (~25-40 ms).
 */
export function projectionLagSampler(env: Env, graceMs: number) {
  const lags: number[] = [];
  const pending = new Map<string, number>();
  let stopAt = 0;
  const done = (async () => {
    const client = new pg.Client({ connectionString: STACK.databaseUrl });
    await client.connect();
    let from = 0;
    const hardDeadline = Date.now() + 30 * 60_000;
    try {
      while (Date.now() < hardDeadline) {
        if (stopAt && (pending.size === 0 || Date.now() > stopAt + graceMs)) break;
        const s = await env.sinkGet<{ next: number; samples: Array<[string, number]> }>(`/__bench/samples?from=${from}`);
        from = s.next;
        for (const [id, at] of s.samples) pending.set(id, at);
        if (pending.size > 0) {
          const tq = Date.now();
          const rows = (await client.query<{ id: string }>(
            `SELECT id::text AS id FROM "${env.schema}".events WHERE id = ANY($1::uuid[]) AND status = 'delivered'`, [[...pending.keys()]],
          )).rows;
          for (const r of rows) {
            lags.push(tq - pending.get(r.id)!);
            pending.delete(r.id);
          }
        }
        await sleep(25);
      }
    } finally {
      await client.end();
    }
  })();
  return {
    async finish() {
      stopAt = Date.now();
      await done;
      return { lags, unresolved: pending.size };
    },
  };
}

/**
 * Waits (bounded) until the read models hold every delivery: `delivery_attempts` rows and
 * `events` rows showing `delivered`; then reads the processing overhead of the run's attempts.
 */
export async function readModels(env: Env, since: number, delivered: number, lastReceipt: number, timeoutMs = 300_000) {
  const where = `outcome = 'success' AND event_created_at >= to_timestamp(${since} / 1000.0)`;
  const caughtUp = { deliveryAttempts: 0, eventsDelivered: 0 };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && (!caughtUp.deliveryAttempts || !caughtUp.eventsDelivered)) {
    const [r] = await pgQuery<{ attempts: string; events: string }>(`
      SELECT (SELECT count(*) FROM "${env.schema}".delivery_attempts WHERE ${where}) AS attempts,
             (SELECT count(*) FROM "${env.schema}".events WHERE status = 'delivered' AND created_at >= to_timestamp(${since} / 1000.0)) AS events`);
    const now = Date.now();
    if (!caughtUp.deliveryAttempts && Number(r?.attempts ?? 0) >= delivered) caughtUp.deliveryAttempts = now;
    if (!caughtUp.eventsDelivered && Number(r?.events ?? 0) >= delivered) caughtUp.eventsDelivered = now;
    await sleep(100);
  }
  const [row] = await pgQuery<{ p50: string | null; p99: string | null; n: string }>(`
    SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY processing_overhead_us) AS p50,
           percentile_disc(0.99) WITHIN GROUP (ORDER BY processing_overhead_us) AS p99, count(*) AS n
    FROM "${env.schema}".delivery_attempts WHERE ${where}`);
  const after = (t: number) => (t ? Math.max(0, t - lastReceipt) : null);
  return {
    processingOverheadUs: { p50: Number(row?.p50 ?? Number.NaN), p99: Number(row?.p99 ?? Number.NaN) },
    projectedAttempts: Number(row?.n ?? 0),
    /** From the last receipt at the sink until each read model held every delivery (null: not within the wait). */
    projectionCatchUpMs: { deliveryAttempts: after(caughtUp.deliveryAttempts), eventsDelivered: after(caughtUp.eventsDelivered) },
  };
}
