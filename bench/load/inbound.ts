/** inbound: autocannon against POST /inbound/{suffix}, every request a fresh Stripe-signed event (bench/loadgen.ts). */
import Stripe from 'stripe';
import { flood } from './autocannon.ts';
import { payload, runId } from './requests.ts';
import type { LoadArgs, LoadResult } from './types.ts';

export async function runInbound(a: LoadArgs): Promise<LoadResult> {
  const { inboundPath, stripeSecret } = a;
  if (!inboundPath || !stripeSecret) throw new Error('inbound: inboundPath and stripeSecret are required');
  const stripe = new Stripe('sk_test_bench');
  return flood(a, inboundPath, 202, 1, (n) => {
    const body = JSON.stringify({ id: `evt_${runId}_${n}`, object: 'event', type: 'charge.succeeded', data: { object: payload(n) } });
    return { headers: { 'content-type': 'application/json', 'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload: body, secret: stripeSecret }) }, body };
  });
}
