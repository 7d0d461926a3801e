import type { Preset } from '../verify/types.ts';
import { basicAuth, headerName, secret, token } from './fields.ts';

/**
 * One entry per provider, each with the scheme its documentation describes: header, algorithm,
 * encoding, signed content (recipe), timestamp and tolerance, delivery-id and event-type headers.
 * Providers whose scheme cannot be checked offline (PayPal, Plaid, AWS SNS: keys fetched from
 * the provider at verification time) are left out rather than weakened.
 */
export const CATALOG: Preset[] = [
  {
    source: 'stripe', name: 'Stripe', description: 'Stripe-Signature: t=timestamp,v1=HMAC-SHA256 hex of "{t}.{body}" (several v1 while rolling)',
    mode: 'keyed-header', algorithm: 'sha256', header: 'stripe-signature', pairSeparator: ',', timestampKey: 't', signatureKey: 'v1', encoding: 'hex', recipe: '{timestamp}.{body}',
    idField: 'id', eventTypeField: 'type', fields: [secret('The endpoint\'s signing secret, whsec_...')],
  },
  {
    source: 'github', name: 'GitHub', description: 'X-Hub-Signature-256: sha256=HMAC-SHA256 hex of the body',
    mode: 'hmac', algorithm: 'sha256', header: 'x-hub-signature-256', prefix: 'sha256=', encoding: 'hex',
    idHeader: 'x-github-delivery', eventTypeHeader: 'x-github-event', fields: [secret('The webhook secret')],
  },
  {
    source: 'shopify', name: 'Shopify', description: 'X-Shopify-Hmac-Sha256: HMAC-SHA256 base64 of the body',
    mode: 'hmac', algorithm: 'sha256', header: 'x-shopify-hmac-sha256', encoding: 'base64',
    idHeader: 'x-shopify-webhook-id', eventTypeHeader: 'x-shopify-topic', fields: [secret('The app\'s client secret (or the store\'s webhook signing key)')],
  },
  {
    source: 'slack', name: 'Slack', description: 'X-Slack-Signature: v0=HMAC-SHA256 hex of "v0:{X-Slack-Request-Timestamp}:{body}"',
    mode: 'hmac', algorithm: 'sha256', header: 'x-slack-signature', prefix: 'v0=', encoding: 'hex', recipe: 'v0:{timestamp}:{body}', timestampHeader: 'x-slack-request-timestamp',
    idField: 'event_id', eventTypeField: 'type', fields: [secret('The app\'s signing secret')],
  },
  {
    source: 'standard-webhooks', name: 'Standard Webhooks', description: 'webhook-id, webhook-timestamp, webhook-signature: v1,HMAC-SHA256 base64 of "{id}.{timestamp}.{body}", whsec_ secret',
    mode: 'standard-webhooks', headerPrefix: 'webhook', idHeader: 'webhook-id', eventTypeField: 'type', fields: [secret('The whsec_... signing secret')],
  },
  {
    source: 'generic-hmac-sha256', name: 'Generic HMAC-SHA256', description: 'HMAC-SHA256 hex of the body in X-Signature (or the configured header); an optional sha256= prefix is not accepted: use generic-hmac-sha256-prefixed',
    mode: 'hmac', algorithm: 'sha256', header: 'x-signature', headerField: 'header', encoding: 'hex', fields: [secret('The shared secret'), headerName('x-signature')],
  },
  {
    source: 'generic-bearer', name: 'Generic bearer token', description: 'Authorization: Bearer <token>',
    mode: 'token-header', header: 'authorization', scheme: 'Bearer ', fields: [token('The token the sender puts after Bearer')],
  },
  {
    source: 'generic-basic-auth', name: 'Generic HTTP Basic auth', description: 'Authorization: Basic user:password',
    mode: 'basic-auth', fields: basicAuth,
  },
  {
    source: 'none', name: 'No verification', description: 'Accepts every request unverified: anyone who knows the URL can post. Only for senders that cannot sign or authenticate.',
    mode: 'none', fields: [],
  },
];
