/** single and batch: autocannon against POST /api/v1/events and /api/v1/events/batch (bench/loadgen.ts). */
import autocannon from 'autocannon';
import { batchBody, headers, payload, runId } from './requests.ts';
import type { LoadArgs, LoadResult } from './types.ts';

export async function runAutocannon(a: LoadArgs): Promise<LoadResult> {
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
