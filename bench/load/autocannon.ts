/** single and batch: autocannon against POST /api/v1/events and /api/v1/events/batch (bench/loadgen.ts). */
import autocannon from 'autocannon';
import { batchBody, headers, payload, runId } from './requests.ts';
import type { LoadArgs, LoadResult } from './types.ts';

/** One request of a flood: its headers and body, built for the n-th request. */
type Build = (n: number) => { headers: Record<string, string>; body: string };

export async function runAutocannon(a: LoadArgs): Promise<LoadResult> {
  const size = a.mode === 'batch' ? (a.batchSize ?? 100) : 1;
  const build: Build = (n) => a.mode === 'batch'
    ? { headers: headers(a), body: batchBody(a, n * size, size) }
    : { headers: { ...headers(a), 'x-idempotency-key': `s-${runId}-${n}` }, body: JSON.stringify({ destination: `${a.sinkUrl}/d0`, payload: payload(n) }) };
  return flood(a, a.mode === 'batch' ? '/api/v1/events/batch' : '/api/v1/events', 201, size, build);
}

/**
 * autocannon POSTs to `path` for `durationSec` over `connections`, each request built fresh
 * (setupRequest with a counter); responses answered `okStatus` are the successes counted.
 */
export async function flood(a: LoadArgs, path: string, okStatus: number, eventsPerRequest: number, build: Build): Promise<LoadResult> {
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
    requests: [{ method: 'POST', path, setupRequest: (req) => ({ ...req, ...build(counter++) }) }],
  });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
    if (statusCode === okStatus) {
      latencyMs.push(responseTime);
      doneAt.push(Date.now());
    }
  });
  const result = await instance;
  return {
    mode: a.mode, startedAt: result.start.getTime() || startedAt, finishedAt: result.finish.getTime() || Date.now(),
    requests: Object.values(statusCounts).reduce((s, c) => s + c, 0), okRequests: latencyMs.length, eventsPerRequest,
    statusCounts, errors: result.errors + result.timeouts, errorSamples: [], latencyMs, doneAt,
  };
}
