import { createHmac } from 'node:crypto';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { inbound } from './fixture.ts';
import { checkKeyedHeader, parsePairs } from './keyed-header.ts';
import type { KeyedHeaderParams } from './types.ts';

const stripe = new Stripe('sk_test_unused');
const NOW = Date.UTC(2026, 11, 7, 1, 0, 0);
const params: KeyedHeaderParams = { mode: 'keyed-header', algorithm: 'sha256', header: 'stripe-signature', pairSeparator: ',', timestampKey: 't', signatureKey: 'v1', encoding: 'hex', recipe: '{timestamp}.{body}' };
const payload = JSON.stringify({ id: 'evt_1', type: 'charge.succeeded' });
const secret = 'whsec_test_secret';
const header = (timestamp: number, key = secret) => stripe.webhooks.generateTestHeaderString({ payload, secret: key, timestamp });

describe('keyed-header mode (Stripe)', () => {
  it('given a header from stripe.webhooks.generateTestHeaderString, then it is accepted', () => {
    expect(checkKeyedHeader(params, { secret }, inbound(payload, { 'stripe-signature': header(NOW / 1000) }), NOW)).toBeUndefined();
  });
  it('given a tampered body or another secret, then it is a bad signature', () => {
    expect(checkKeyedHeader(params, { secret }, inbound(payload + ' ', { 'stripe-signature': header(NOW / 1000) }), NOW)).toMatchObject({ reason: 'bad_signature' });
    expect(checkKeyedHeader(params, { secret }, inbound(payload, { 'stripe-signature': header(NOW / 1000, 'whsec_other') }), NOW)).toMatchObject({ reason: 'bad_signature' });
  });
  it('given several v1 values while Stripe rolls a secret, when any matches, then it is accepted', () => {
    const genuine = parsePairs(header(NOW / 1000), ',');
    const rolled = `t=${genuine.get('t')?.[0]},v1=${'0'.repeat(64)},v1=${genuine.get('v1')?.[0]},v0=ignored`;
    expect(checkKeyedHeader(params, { secret }, inbound(payload, { 'stripe-signature': rolled }), NOW)).toBeUndefined();
  });
  it('given a genuine header signed 6 minutes ago or ahead, then it is stale', () => {
    expect(checkKeyedHeader(params, { secret }, inbound(payload, { 'stripe-signature': header(NOW / 1000 - 360) }), NOW)).toMatchObject({ reason: 'stale_timestamp' });
    expect(checkKeyedHeader(params, { secret }, inbound(payload, { 'stripe-signature': header(NOW / 1000 + 360) }), NOW)).toMatchObject({ reason: 'stale_timestamp' });
  });
  it('given a header without t= or v1=, or none, then the signature is missing', () => {
    expect(checkKeyedHeader(params, { secret }, inbound(payload, { 'stripe-signature': 'v1=abcd' }), NOW)).toMatchObject({ reason: 'missing_signature' });
    expect(checkKeyedHeader(params, { secret }, inbound(payload), NOW)).toMatchObject({ reason: 'missing_signature' });
  });
  it('given no secret configured, then it is misconfigured', () => {
    expect(checkKeyedHeader(params, {}, inbound(payload, { 'stripe-signature': header(NOW / 1000) }), NOW)).toMatchObject({ reason: 'misconfigured' });
  });
  it('given Paddle\'s `ts=..;h1=..` form, then the separator, keys and recipe are parameters', () => {
    const paddle: KeyedHeaderParams = { ...params, header: 'paddle-signature', pairSeparator: ';', timestampKey: 'ts', signatureKey: 'h1', recipe: '{timestamp}:{body}' };
    const ts = NOW / 1000;
    const h1 = createHmac('sha256', secret).update(`${ts}:${payload}`).digest('hex');
    expect(checkKeyedHeader(paddle, { secret }, inbound(payload, { 'paddle-signature': `ts=${ts}; h1=${h1}` }), NOW)).toBeUndefined();
    // Stripe's `{t}.{body}` under Paddle's names does not pass: the recipe is part of the scheme.
    const stripeStyle = parsePairs(header(ts), ',').get('v1')?.[0];
    expect(checkKeyedHeader(paddle, { secret }, inbound(payload, { 'paddle-signature': `ts=${ts};h1=${stripeStyle}` }), NOW)).toMatchObject({ reason: 'bad_signature' });
  });
});
