import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { verifyInbound } from '../inbound/domain/verify/index.ts';
import { presetOf } from '../inbound/domain/presets/index.ts';
import { flatHeaders } from '../inbound/receive.ts';
import { DomainError } from '../platform/domain/errors.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { contract, ErrorBody, type Operation } from '../platform/http/contract.ts';
import { billingCommands } from './commands.ts';
import { WebhookAck } from './contract.ts';
import { providerFor } from './providers/index.ts';

/** Stripe's events are a few KiB; an invoice with many lines stays far under this. */
const WEBHOOK_BODY_LIMIT = 262_144;

const op: Operation = {
  tag: 'Billing', summary: 'Receive the payment provider\'s webhooks (public: Stripe\'s signature authenticates them)', access: 'public', errors: [400, 401, 404, 409, 413],
  description: 'Point a Stripe webhook endpoint at <public URL>/billing/webhooks/stripe, with the events checkout.session.completed, customer.subscription.updated, '
    + 'customer.subscription.deleted, invoice.paid and invoice.payment_failed, and put its signing secret in STRIPE_WEBHOOK_SECRET. The Stripe-Signature header is '
    + 'verified by mittr\'s inbound verification (the stripe preset: HMAC-SHA256 over the timestamp and the raw body, 5 minutes of tolerance); a missing, wrong or stale '
    + 'one is 401 INVALID_SIGNATURE. Each event is recorded once by its id (a retry answers 200 with recorded 0). 404 when this deployment does not bill with Stripe; '
    + '409 CONFLICT when the subscription changed at that instant: Stripe retries.',
};

/** POST /billing/webhooks/stripe: raw bytes in, verified by the inbound room's Stripe scheme, the subscription's events out. */
export function billingWebhookRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const provider = await providerFor(ctx.config.billing);
    const billing = billingCommands(ctx, provider, app.log);
    const stripe = presetOf('stripe')!;
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_req, body, done) => done(null, body));

    app.post('/billing/webhooks/stripe', {
      bodyLimit: WEBHOOK_BODY_LIMIT,
      schema: contract(op, { response: { 200: WebhookAck, 401: { ...ErrorBody, description: 'The Stripe-Signature is missing, wrong or too old (INVALID_SIGNATURE, with its `reason`)' } } }),
    }, async (req) => {
      const billingConfig = ctx.config.billing;
      if (!provider || billingConfig.provider !== 'stripe') throw new DomainError('NOT_FOUND', 'this deployment does not bill with Stripe');
      const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const verdict = verifyInbound(stripe, { secret: billingConfig.stripe.webhookSecret },
        { method: req.method, url: `${ctx.config.publicUrl}${req.url}`, headers: flatHeaders(req.headers), rawBody }, Date.now());
      if (!verdict.ok) throw new DomainError('INVALID_SIGNATURE', `the webhook is refused: ${verdict.detail}`, { reason: verdict.reason });
      // What it changes, Stripe did: the audit log names it (with the webhook's id on each line), not an anonymous caller.
      req.actorSlot.actor = { type: 'system', id: 'stripe', address: req.ip };
      let body: unknown;
      try {
        body = JSON.parse(rawBody.toString('utf8'));
      } catch {
        throw new DomainError('VALIDATION_ERROR', 'the webhook\'s body is not JSON');
      }
      const { recorded } = await billing.webhook(provider.parseWebhook(body));
      return { received: true as const, recorded };
    });
  };
}

