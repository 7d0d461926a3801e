/** bulk and paced: batches (or single events) over undici, as fast as allowed or on a fixed schedule (bench/loadgen.ts). */
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { accepted, batchBody, emptyResult, failed, headers, singleRequest, withProgress } from './requests.ts';
import type { LoadArgs, LoadResult } from './types.ts';

type Created = { id: string; createdAt: string };
type BatchResponse = { events?: Created[] };

/** Shared by bulk and paced: POST request k (a batch, or with `single` one event), record its outcome. */
function batchSender(a: LoadArgs, pool: Pool, r: LoadResult) {
  const size = a.single ? 1 : (a.batchSize ?? 100);
  return async (k: number): Promise<void> => {
    const one = a.single ? singleRequest(a, k) : null;
    const body = one ? one.body : batchBody(a, k * size, size);
    const t0 = performance.now();
    r.requests++;
    try {
      const res = await pool.request({
        method: 'POST', path: one ? '/api/v1/events' : '/api/v1/events/batch',
        headers: one ? { ...headers(a), 'x-idempotency-key': one.key } : headers(a), body,
        headersTimeout: 60_000, bodyTimeout: 60_000,
      });
      const text = await res.body.text();
      const ms = performance.now() - t0;
      if (!accepted(r, res.statusCode, text)) return;
      const parsed = JSON.parse(text) as BatchResponse & Created;
      r.okRequests++;
      r.latencyMs.push(ms);
      r.doneAt.push(Date.now());
      for (const e of one ? [parsed] : parsed.events ?? []) {
        r.ids!.push(e.id);
        r.createdAt!.push(Date.parse(e.createdAt));
      }
    } catch (err) {
      failed(r, err);
    }
  };
}

export async function runBulk(a: LoadArgs): Promise<LoadResult> {
  const size = a.single ? 1 : (a.batchSize ?? 100);
  const batches = Math.ceil((a.total ?? 50_000) / size);
  const concurrency = a.concurrency ?? 8;
  const pool = new Pool(a.apiUrl, { connections: concurrency, pipelining: 1 });
  const r = emptyResult(a);
  const send = batchSender(a, pool, r);
  const deadline = Date.now() + (a.durationSec ?? 600) * 1000;
  let next = 0;
  const worker = async () => {
    while (next < batches && Date.now() < deadline) await send(next++);
  };
  await withProgress(r, Array.from({ length: concurrency }, worker));
  await pool.close();
  return r;
}

export async function runPaced(a: LoadArgs): Promise<LoadResult> {
  const size = a.single ? 1 : (a.batchSize ?? 10);
  const rate = a.ratePerSec ?? 1000;
  const durationSec = a.durationSec ?? 30;
  const intervalMs = (size * 1000) / rate;
  const batches = Math.floor((rate * durationSec) / size);
  const maxInFlight = a.maxInFlight ?? 256;
  const pool = new Pool(a.apiUrl, { connections: Math.min(maxInFlight, 64), pipelining: 1 });
  const r: LoadResult = { ...emptyResult(a), skippedBatches: 0, sendLagMs: [] };
  const send = batchSender(a, pool, r);
  const inFlight = new Set<Promise<void>>();
  const t0 = performance.now();
  r.startedAt = Date.now();
  const hardStop = t0 + durationSec * 1000 + 5_000;
  let k = 0;
  while (k < batches && performance.now() < hardStop) {
    const now = performance.now();
    while (k < batches && t0 + k * intervalMs <= now) {
      if (inFlight.size >= maxInFlight) {
        r.skippedBatches!++;
      } else {
        r.sendLagMs!.push(now - (t0 + k * intervalMs));
        const p: Promise<void> = send(k).finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      k++;
    }
    const wait = t0 + k * intervalMs - performance.now();
    await sleep(Math.max(1, Math.floor(wait)));
  }
  r.finishedAt = Date.now();
  await Promise.race([Promise.all(inFlight), sleep(60_000)]);
  await pool.close();
  return r;
}
