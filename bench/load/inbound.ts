/** inbound: autocannon against POST /inbound/{suffix}, every request a fresh Stripe-signed event (bench/loadgen.ts). */
import autocannon from 'autocannon';
import Stripe from 'stripe';
import { payload, runId } from './requests.ts';
import type { LoadArgs, LoadResult } from './types.ts';

export async function runInbound(a: LoadArgs): Promise<LoadResult> {
  if (!a.inboundPath || !a.stripeSecret) throw new Error('inbound: inboundPath and stripeSecret are required');
  const stripe = new Stripe('sk_test_bench');
  const secret = a.stripeSecret;
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
      path: a.inboundPath,
      setupRequest: (req) => {
        const n = counter++;
        const body = JSON.stringify({ id: `evt_${runId}_${n}`, object: 'event', type: 'charge.succeeded', data: { object: payload(n) } });
        const signature = stripe.webhooks.generateTestHeaderString({ payload: body, secret });
        return { ...req, headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body };
      },
    }],
  });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
    if (statusCode === 202) {
      latencyMs.push(responseTime);
      doneAt.push(Date.now());
    }
  });
  const result = await instance;
  return {
    mode: a.mode, startedAt: result.start.getTime() || startedAt, finishedAt: result.finish.getTime() || Date.now(),
    requests: Object.values(statusCounts).reduce((s, c) => s + c, 0), okRequests: latencyMs.length, eventsPerRequest: 1,
    statusCounts, errors: result.errors + result.timeouts, errorSamples: [], latencyMs, doneAt,
  };
}
