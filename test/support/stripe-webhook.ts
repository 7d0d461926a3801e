import Stripe from 'stripe';
import { STRIPE_MOCK_KEY } from './stripe-mock.ts';

export type SignedStripeWebhook = {
  /** The exact bytes that were signed: send these, unchanged. */
  rawBody: string;
  /** The `Stripe-Signature` header's value (`t=...,v1=...`). */
  signature: string;
  /** The headers to send with `rawBody`. */
  headers: { 'content-type': 'application/json'; 'stripe-signature': string };
};

/**
 * A webhook delivery as Stripe signs it, signed by Stripe's own SDK
 * (`stripe.webhooks.generateTestHeaderString`) with the endpoint's signing secret (`whsec_...`).
 * An object payload is serialized once here; `timestampSec` (default now) dates the signature.
 */
export function signStripeWebhook(payload: string | object, secret: string, timestampSec?: number): SignedStripeWebhook {
  const rawBody = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const signature = new Stripe(STRIPE_MOCK_KEY).webhooks.generateTestHeaderString({ payload: rawBody, secret, ...(timestampSec === undefined ? {} : { timestamp: timestampSec }) });
  return { rawBody, signature, headers: { 'content-type': 'application/json', 'stripe-signature': signature } };
}
