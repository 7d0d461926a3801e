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
 */
import { createServer, type ServerResponse } from 'node:http';

const sampleEvery = Math.max(0, Number(process.env.SINK_SAMPLE_EVERY ?? '0') || 0);

let ids: string[] = [];
let at: number[] = [];
let path: number[] = [];
let samples: Array<[string, number]> = [];
let seen = new Set<string>();
let missingId = 0;

function reset(): void {
  ids = [];
  at = [];
  path = [];
  samples = [];
  seen = new Set();
  missingId = 0;
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
      json(res, { received: ids.length, uniqueIds: seen.size, missingId, firstAt: at[0] ?? null, lastAt: at[at.length - 1] ?? null });
    } else if (url.startsWith('/__bench/samples')) {
      const from = Number(new URL(url, 'http://x').searchParams.get('from') ?? '0') || 0;
      json(res, { next: samples.length, samples: samples.slice(from) });
    } else if (url === '/__bench/dump') {
      json(res, { ids, at, path });
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
  if (id) {
    ids.push(id);
    at.push(now);
    const m = /^\/d(\d+)/.exec(url);
    path.push(m ? Number(m[1]) : -1);
    seen.add(id);
    if (sampleEvery > 0 && ids.length % sampleEvery === 0) samples.push([id, now]);
  } else {
    missingId++;
  }
  req.resume();
  req.on('end', () => {
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
