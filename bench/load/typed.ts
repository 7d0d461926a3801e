/** typed: events with an event type, each key's in order, over undici (bench/loadgen.ts). */
import { Pool } from 'undici';
import { accepted, emptyResult, failed, headers, runId, withProgress } from './requests.ts';
import type { LoadArgs, LoadResult } from './types.ts';

/**
 * `eventTypes` × `keys` × `perKey` events; `concurrency` workers each own a disjoint set of keys
 * and send a key's events one after another, so the order mittr accepts them in is the order a
 * FIFO receiver must see.
 */
export async function runTyped(a: LoadArgs): Promise<LoadResult> {
  const types = a.eventTypes ?? ['bench.event'];
  const keys = a.keys ?? 100;
  const perKey = a.perKey ?? 1;
  const concurrency = a.concurrency ?? 16;
  const pool = new Pool(a.apiUrl, { connections: concurrency, pipelining: 1 });
  const r: LoadResult = { ...emptyResult(a), eventsPerRequest: 1, typeOf: [] };
  const deadline = Date.now() + (a.durationSec ?? 900) * 1000;
  const lanes = types.flatMap((_, t) => Array.from({ length: keys }, (_, k) => ({ t, k })));
  const worker = async (w: number) => {
    const mine = lanes.filter((_, i) => i % concurrency === w);
    for (let seq = 0; seq < perKey; seq++) {
      for (const { t, k } of mine) {
        if (Date.now() > deadline) return;
        const t0 = performance.now();
        r.requests++;
        try {
          const res = await pool.request({
            method: 'POST', path: '/api/v1/events',
            headers: { ...headers(a), 'x-idempotency-key': `t-${runId}-${t}-${k}-${seq}` },
            body: JSON.stringify({ eventType: types[t], payload: { key: `k${k}`, seq, note: 'mittr bench' } }),
            headersTimeout: 60_000, bodyTimeout: 60_000,
          });
          const text = await res.body.text();
          // A key's later events must not overtake this one: the key stops here.
          if (!accepted(r, res.statusCode, text)) return;
          const e = JSON.parse(text) as { id: string; createdAt: string };
          r.okRequests++;
          r.latencyMs.push(performance.now() - t0);
          r.doneAt.push(Date.now());
          r.ids!.push(e.id);
          r.createdAt!.push(Date.parse(e.createdAt));
          r.typeOf!.push(t);
        } catch (err) {
          failed(r, err);
          return;
        }
      }
    }
  };
  await withProgress(r, Array.from({ length: concurrency }, (_, w) => worker(w)));
  await pool.close();
  return r;
}
