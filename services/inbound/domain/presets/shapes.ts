import type { ConfigField, Encoding, Handshake, HashAlgorithm, HmacParams, KeyedHeaderParams, ModeParams, Naming, Preset, StandardWebhooksParams, TokenHeaderParams } from '../verify/types.ts';
import { describeScheme } from './describe.ts';

/** A catalog entry: the description is derived from the scheme, so it cannot say one thing while the code checks another. */
export function preset(source: string, name: string, params: ModeParams, fields: ConfigField[], naming: Naming & { handshake?: Handshake } = {}): Preset {
  return { source, name, description: `${name}: ${describeScheme(params)}`, fields, ...naming, ...params };
}

/** HMAC of the body (or a recipe) in a header. */
export const hmac = (algorithm: HashAlgorithm, header: HmacParams['header'], encoding: Encoding, extra: Partial<HmacParams> = {}): HmacParams =>
  ({ mode: 'hmac', algorithm, header, encoding, ...extra });

/** The WebSub / GitHub shape: `X-Hub-Signature[-256]: <algo>=<hex>` over the body. */
export const hubSignature = (algorithm: 'sha1' | 'sha256', header = algorithm === 'sha1' ? 'x-hub-signature' : 'x-hub-signature-256'): HmacParams =>
  hmac(algorithm, header, 'hex', { prefix: `${algorithm}=` });

/** Stripe's shape, `t=<unix s>,v1=<hex HMAC-SHA256 of "{t}.{body}">`, with the names a provider changes. */
export const keyed = (header: string, extra: Partial<KeyedHeaderParams> = {}): KeyedHeaderParams => ({
  mode: 'keyed-header', algorithm: 'sha256', header, pairSeparator: ',', timestampKey: 't', signatureKey: 'v1', encoding: 'hex', recipe: '{timestamp}.{body}', ...extra,
});

export const standardWebhooks = (headerPrefix: StandardWebhooksParams['headerPrefix'] = 'webhook', extra: Partial<StandardWebhooksParams> = {}): StandardWebhooksParams =>
  ({ mode: 'standard-webhooks', headerPrefix, ...extra });

export const tokenHeader = (header: string, extra: Partial<TokenHeaderParams> = {}): TokenHeaderParams => ({ mode: 'token-header', header, ...extra });
