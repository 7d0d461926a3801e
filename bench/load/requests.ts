/** What every load mode shares: the payloads, the headers, the result and how a response is counted. */
import { randomBytes } from 'node:crypto';
import type { LoadArgs, LoadResult } from './types.ts';

/** Unique per generator process, so idempotency keys of two runs never collide. */
export const runId = randomBytes(3).toString('hex');

/** A small, realistic webhook payload (~230 bytes of JSON). */
export function payload(n: number): Record<string, unknown> {
  return {
    type: 'order.created', orderId: `ord_${runId}_${n}`, amount: 1000 + (n % 9000), currency: 'EUR',
    customer: { id: `cus_${n % 997}`, email: `c${n % 997}@example.test` },
    items: [{ sku: `sku_${n % 31}`, qty: 1 + (n % 3) }], note: 'mittr bench',
  };
}

export function headers(a: LoadArgs): Record<string, string> {
  return { 'content-type': 'application/json', 'x-api-key': a.apiKey };
}

/** Where event n goes: its type (`eventType`: the subscribed endpoints), or a sink path round-robin over `destinations`. */
function target(a: LoadArgs, n: number): { eventType: string } | { destination: string } {
  return a.eventType ? { eventType: a.eventType } : { destination: `${a.sinkUrl}/d${n % (a.destinations ?? 1)}` };
}

/** Events first..first+size-1 as a batch body. */
export function batchBody(a: LoadArgs, first: number, size: number): string {
  const events = Array.from({ length: size }, (_, i) => {
    const n = first + i;
    return { idempotencyKey: `b-${runId}-${n}`, ...target(a, n), payload: payload(n) };
  });
  return JSON.stringify({ events });
}

/** Event n as the body of a single POST /api/v1/events, and its idempotency key. */
export function singleRequest(a: LoadArgs, n: number): { body: string; key: string } {
  return { body: JSON.stringify({ ...target(a, n), payload: payload(n) }), key: `s-${runId}-${n}` };
}

export function emptyResult(a: LoadArgs): LoadResult {
  return {
    mode: a.mode, startedAt: Date.now(), finishedAt: 0, requests: 0, okRequests: 0, eventsPerRequest: a.single ? 1 : (a.batchSize ?? 100),
    statusCounts: {}, errors: 0, errorSamples: [], latencyMs: [], doneAt: [], ids: [], createdAt: [],
  };
}

/** Counts a response by status; anything but a 201 is kept among the first five samples. True for a 201. */
export function accepted(r: LoadResult, statusCode: number, text: string): boolean {
  r.statusCounts[statusCode] = (r.statusCounts[statusCode] ?? 0) + 1;
  if (statusCode === 201) return true;
  if (r.errorSamples.length < 5) r.errorSamples.push(`${statusCode} ${text.slice(0, 300)}`);
  return false;
}

/** Counts a request that got no response. */
export function failed(r: LoadResult, err: unknown): void {
  r.errors++;
  if (r.errorSamples.length < 5) r.errorSamples.push(String(err));
}

/** Runs `workers` while reporting the accepted count to stderr every 5 s, then stamps the finish. */
export async function withProgress(r: LoadResult, workers: Array<Promise<void>>): Promise<void> {
  const progress = setInterval(() => process.stderr.write(`  loadgen: ${r.ids!.length} events accepted\n`), 5_000);
  try {
    await Promise.all(workers);
  } finally {
    clearInterval(progress);
  }
  r.finishedAt = Date.now();
}
