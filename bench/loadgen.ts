/**
 * The benchmark's load generator, in its own process. One JSON argument says what to do; the
 * result is written as JSON to `out` (the harness reads it), progress goes to stderr.
 *
 *   single  autocannon: POST /api/v1/events for `durationSec` over `connections`, a unique
 *           X-Idempotency-Key per request (setupRequest with a counter)
 *   batch   autocannon: POST /api/v1/events/batch, `batchSize` events per request, unique keys
 *   bulk    undici: `total` events in batches of `batchSize`, `concurrency` batches in flight,
 *           round-robin over `destinations` sink paths; records every event's id and createdAt
 *   paced   undici: `ratePerSec` events/s for `durationSec`, as batches of `batchSize` sent on a
 *           fixed schedule (batch k at t0 + k·interval), at most `maxInFlight` requests open;
 *           records every event's id and createdAt
 *   typed   undici: POST /api/v1/events with an `eventType` (fan-out to endpoints) for each of
 *           `eventTypes` × `keys` × `perKey`, payload {key, seq}; `concurrency` workers each own
 *           a disjoint set of keys and send a key's events one after another (seq 0, 1, ...), so
 *           the order mittr accepts them in is the order a FIFO receiver must see; records ids
 *
 * Every loop is bounded by a count and a deadline.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { Pool } from 'undici';

export type LoadArgs = {
  mode: 'single' | 'batch' | 'bulk' | 'paced' | 'typed';
  apiUrl: string;
  apiKey: string;
  sinkUrl: string;
  out: string;
  durationSec?: number;
  connections?: number;
  batchSize?: number;
  total?: number;
  concurrency?: number;
  destinations?: number;
  ratePerSec?: number;
  maxInFlight?: number;
  eventTypes?: string[];
  keys?: number;
  perKey?: number;
};

/** What every mode writes. Per-request arrays are parallel (latency and completion time). */
export type LoadResult = {
  mode: LoadArgs['mode'];
  startedAt: number;
  finishedAt: number;
  requests: number;
  okRequests: number;
  eventsPerRequest: number;
  statusCounts: Record<string, number>;
  errors: number;
  errorSamples: string[];
  /** Per successful request: response time (ms) and completion time (epoch ms). */
  latencyMs: number[];
  doneAt: number[];
  /** bulk/paced/typed: every accepted event (parallel arrays). */
  ids?: string[];
  createdAt?: number[];
  /** typed: the event type of each accepted event (index into eventTypes). */
  typeOf?: number[];
  /** paced: batches not sent because maxInFlight requests were still open; lateness of the sends. */
  skippedBatches?: number;
  sendLagMs?: number[];
  /** The generator's own CPU seconds and peak RSS (it must not be the bottleneck). */
  self?: { cpuSec: number; peakRssMb: number };
};

const runId = randomBytes(3).toString('hex');

/** A small, realistic webhook payload (~230 bytes of JSON). */
export function payload(n: number): Record<string, unknown> {
  return {
    type: 'order.created', orderId: `ord_${runId}_${n}`, amount: 1000 + (n % 9000), currency: 'EUR',
    customer: { id: `cus_${n % 997}`, email: `c${n % 997}@example.test` },
    items: [{ sku: `sku_${n % 31}`, qty: 1 + (n % 3) }], note: 'mittr bench',
  };
}

function headers(a: LoadArgs): Record<string, string> {
  return { 'content-type': 'application/json', 'x-api-key': a.apiKey };
}

function batchBody(a: LoadArgs, first: number, size: number): string {
  const destinations = a.destinations ?? 1;
  const events = Array.from({ length: size }, (_, i) => {
    const n = first + i;
    return { idempotencyKey: `b-${runId}-${n}`, destination: `${a.sinkUrl}/d${n % destinations}`, payload: payload(n) };
  });
  return JSON.stringify({ events });
}

async function runAutocannon(a: LoadArgs): Promise<LoadResult> {
  const size = a.mode === 'batch' ? (a.batchSize ?? 100) : 1;
  let counter = 0;
  const latencyMs: number[] = [];
  const doneAt: number[] = [];
  const statusCounts: Record<string, number> = {};
  const startedAt = Date.now();
  const instance = autocannon({
    url: a.apiUrl,
    connections: a.connections ?? 32,
    duration: a.durationSec ?? 20,
    pipelining: 1,
    timeout: 30,
    requests: [{
      method: 'POST',
      path: a.mode === 'batch' ? '/api/v1/events/batch' : '/api/v1/events',
      headers: headers(a),
      setupRequest: (req) => {
        const n = counter;
        counter += size;
        if (a.mode === 'batch') return { ...req, body: batchBody(a, n, size) };
        return {
          ...req,
          headers: { ...headers(a), 'x-idempotency-key': `s-${runId}-${n}` },
          body: JSON.stringify({ destination: `${a.sinkUrl}/d0`, payload: payload(n) }),
        };
      },
    }],
  });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
    if (statusCode === 201) {
      latencyMs.push(responseTime);
      doneAt.push(Date.now());
    }
  });
  const result = await instance;
  return {
    mode: a.mode, startedAt: result.start.getTime() || startedAt, finishedAt: result.finish.getTime() || Date.now(),
    requests: Object.values(statusCounts).reduce((s, c) => s + c, 0), okRequests: latencyMs.length, eventsPerRequest: size,
    statusCounts, errors: result.errors + result.timeouts, errorSamples: [], latencyMs, doneAt,
  };
}

type BatchResponse = { events?: Array<{ id: string; createdAt: string }> };

/** Shared by bulk and paced: POST one batch, record its outcome. */
function batchSender(a: LoadArgs, pool: Pool, r: LoadResult) {
  const size = a.batchSize ?? 100;
  return async (k: number): Promise<void> => {
    const body = batchBody(a, k * size, size);
    const t0 = performance.now();
    r.requests++;
    try {
      const res = await pool.request({
        method: 'POST', path: '/api/v1/events/batch', headers: headers(a), body,
        headersTimeout: 60_000, bodyTimeout: 60_000,
      });
      const text = await res.body.text();
      const ms = performance.now() - t0;
      r.statusCounts[res.statusCode] = (r.statusCounts[res.statusCode] ?? 0) + 1;
      if (res.statusCode !== 201) {
        if (r.errorSamples.length < 5) r.errorSamples.push(`${res.statusCode} ${text.slice(0, 300)}`);
        return;
      }
      const parsed = JSON.parse(text) as BatchResponse;
      r.okRequests++;
      r.latencyMs.push(ms);
      r.doneAt.push(Date.now());
      for (const e of parsed.events ?? []) {
        r.ids!.push(e.id);
        r.createdAt!.push(Date.parse(e.createdAt));
      }
    } catch (err) {
      r.errors++;
      if (r.errorSamples.length < 5) r.errorSamples.push(String(err));
    }
  };
}

function emptyResult(a: LoadArgs): LoadResult {
  return {
    mode: a.mode, startedAt: Date.now(), finishedAt: 0, requests: 0, okRequests: 0, eventsPerRequest: a.batchSize ?? 100,
    statusCounts: {}, errors: 0, errorSamples: [], latencyMs: [], doneAt: [], ids: [], createdAt: [],
  };
}

async function runBulk(a: LoadArgs): Promise<LoadResult> {
  const size = a.batchSize ?? 100;
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
  const progress = setInterval(() => process.stderr.write(`  loadgen: ${r.ids!.length} events accepted\n`), 5_000);
  await Promise.all(Array.from({ length: concurrency }, worker));
  clearInterval(progress);
  r.finishedAt = Date.now();
  await pool.close();
  return r;
}

async function runPaced(a: LoadArgs): Promise<LoadResult> {
  const size = a.batchSize ?? 10;
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

async function runTyped(a: LoadArgs): Promise<LoadResult> {
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
          r.statusCounts[res.statusCode] = (r.statusCounts[res.statusCode] ?? 0) + 1;
          if (res.statusCode !== 201) {
            if (r.errorSamples.length < 5) r.errorSamples.push(`${res.statusCode} ${text.slice(0, 300)}`);
            // A key's later events must not overtake this one: the key stops here.
            return;
          }
          const e = JSON.parse(text) as { id: string; createdAt: string };
          r.okRequests++;
          r.latencyMs.push(performance.now() - t0);
          r.doneAt.push(Date.now());
          r.ids!.push(e.id);
          r.createdAt!.push(Date.parse(e.createdAt));
          r.typeOf!.push(t);
        } catch (err) {
          r.errors++;
          if (r.errorSamples.length < 5) r.errorSamples.push(String(err));
          return;
        }
      }
    }
  };
  const progress = setInterval(() => process.stderr.write(`  loadgen: ${r.ids!.length} events accepted\n`), 5_000);
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  clearInterval(progress);
  r.finishedAt = Date.now();
  await pool.close();
  return r;
}

async function main(): Promise<void> {
  const a = JSON.parse(process.argv[2] ?? '{}') as LoadArgs;
  let result: LoadResult;
  switch (a.mode) {
    case 'single': case 'batch': result = await runAutocannon(a); break;
    case 'bulk': result = await runBulk(a); break;
    case 'paced': result = await runPaced(a); break;
    case 'typed': result = await runTyped(a); break;
    default: throw new Error(`loadgen: unknown mode ${String(a.mode)}`);
  }
  const cpu = process.cpuUsage();
  result.self = { cpuSec: Math.round((cpu.user + cpu.system) / 1e5) / 10, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
  writeFileSync(a.out, JSON.stringify(result));
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error('loadgen failed:', err);
  process.exit(1);
});
