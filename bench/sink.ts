/**
 * The benchmark's receiving endpoint, in its own process: a node:http server on loopback that
 * answers every delivery 200 and records, per request, the receipt time (epoch ms, taken when
 * the request's headers arrive), the X-Mittr-Event-ID and which sink path (/d0../d9) it hit.
 *
 * Control surface for the harness (same port, under /__bench/):
 *   GET  /__bench/stats            {received, uniqueIds, missingId, firstAt, lastAt}
 *   GET  /__bench/samples?from=N   every SINK_SAMPLE_EVERY-th receipt from index N: {next, samples:[[id, at]]}
 *   GET  /__bench/dump             {ids, at, path} of every receipt since the last reset
 *   POST /__bench/reset            forget everything received so far
 * Prints `SINK_READY <port>` on stdout once listening. Stops on SIGTERM/SIGINT.
 *
 * An endpoint URL may carry query parameters the sink obeys (they reach it because mittr posts to
 * the endpoint URL as configured):
 *   ?fail=0.1   answer 503 to that share of requests (a fixed-seed PRNG per route, so runs repeat)
 *   ?order=1    the body is {key, seq}: count an order violation whenever seq n of a key arrives
 *               before seqs 0..n-1 of that key were each answered 2xx on this route
 * Per receipt the dump also says its route (index into `routes`, the path without the query) and
 * whether it was answered 2xx; stats count `okUnique` (distinct route+event answered 2xx),
 * `failed` (injected failures) and `violations`.
 */
import { createServer, type ServerResponse } from 'node:http';

const sampleEvery = Math.max(0, Number(process.env.SINK_SAMPLE_EVERY ?? '0') || 0);

let ids: string[] = [];
let at: number[] = [];
let path: number[] = [];
let samples: Array<[string, number]> = [];
let seen = new Set<string>();
let missingId = 0;
let routes: string[] = [];
let routeIndex = new Map<string, number>();
let route: number[] = [];
let ok: number[] = [];
let okKeys = new Set<string>();
let failed = 0;
let violations = 0;
let violationSamples: string[] = [];
/** route -> key -> the seqs answered 2xx (order-checked routes only). */
let acked = new Map<string, Map<string, Set<number>>>();
let prngs = new Map<string, () => number>();

function reset(): void {
  ids = [];
  at = [];
  path = [];
  samples = [];
  seen = new Set();
  missingId = 0;
  routes = [];
  routeIndex = new Map();
  route = [];
  ok = [];
  okKeys = new Set();
  failed = 0;
  violations = 0;
  violationSamples = [];
  acked = new Map();
  prngs = new Map();
}

/** mulberry32: a small fixed-seed PRNG, so injected failures are the same on every run. */
function prng(seed: number): () => number {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function routeOf(pathname: string): number {
  let i = routeIndex.get(pathname);
  if (i === undefined) {
    i = routes.length;
    routes.push(pathname);
    routeIndex.set(pathname, i);
  }
  return i;
}

function json(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

const server = createServer((req, res) => {
  const url = req.url ?? '/';
  if (url.startsWith('/__bench/')) {
    req.resume();
    if (url === '/__bench/stats') {
      json(res, {
        received: ids.length, uniqueIds: seen.size, missingId, firstAt: at[0] ?? null, lastAt: at[at.length - 1] ?? null,
        okUnique: okKeys.size, failed, violations, violationSamples,
      });
    } else if (url.startsWith('/__bench/samples')) {
      const from = Number(new URL(url, 'http://x').searchParams.get('from') ?? '0') || 0;
      json(res, { next: samples.length, samples: samples.slice(from) });
    } else if (url === '/__bench/dump') {
      json(res, { ids, at, path, route, ok, routes });
    } else if (url === '/__bench/reset' && req.method === 'POST') {
      reset();
      json(res, { ok: true });
    } else {
      res.writeHead(404).end();
    }
    return;
  }
  const now = Date.now();
  const header = req.headers['x-mittr-event-id'];
  const id = Array.isArray(header) ? header[0] : header;
  const q = url.indexOf('?');
  const pathname = q < 0 ? url : url.slice(0, q);
  const params = q < 0 ? null : new URLSearchParams(url.slice(q + 1));
  const failRate = Number(params?.get('fail') ?? '0') || 0;
  const checkOrder = params?.get('order') === '1';
  const r = routeOf(pathname);
  const index = ids.length;
  if (id) {
    ids.push(id);
    at.push(now);
    const m = /^\/d(\d+)/.exec(pathname);
    path.push(m ? Number(m[1]) : -1);
    route.push(r);
    ok.push(0);
    seen.add(id);
    if (sampleEvery > 0 && ids.length % sampleEvery === 0) samples.push([id, now]);
  } else {
    missingId++;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => { if (checkOrder) chunks.push(c); });
  req.on('end', () => {
    let key: string | null = null;
    let seq = -1;
    if (checkOrder) {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { key?: unknown; seq?: unknown };
        key = String(body.key);
        seq = Number(body.seq);
      } catch { /* not an ordered payload */ }
      if (key !== null) {
        const byKey = acked.get(pathname) ?? new Map<string, Set<number>>();
        acked.set(pathname, byKey);
        const done = byKey.get(key) ?? new Set<number>();
        byKey.set(key, done);
        for (let s = 0; s < seq; s++) {
          if (!done.has(s)) {
            violations++;
            if (violationSamples.length < 10) violationSamples.push(`${pathname} key ${key}: seq ${seq} before seq ${s} succeeded`);
            break;
          }
        }
      }
    }
    let fail = false;
    if (failRate > 0) {
      let rand = prngs.get(pathname);
      if (!rand) prngs.set(pathname, (rand = prng(1_000 + r)));
      fail = rand() < failRate;
    }
    if (fail) {
      failed++;
      res.writeHead(503, { 'content-type': 'text/plain', 'content-length': '8' }).end('injected');
      return;
    }
    if (id) {
      ok[index] = 1;
      okKeys.add(`${r}|${id}`);
    }
    if (key !== null) acked.get(pathname)!.get(key)!.add(seq);
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' }).end('OK');
  });
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`SINK_READY ${typeof addr === 'object' && addr ? addr.port : 0}\n`);
});

const stop = () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2_000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
