import { decode } from './compare.ts';
import { checkFresh } from './freshness.ts';
import { anyKeySigns } from './hmac.ts';
import { signedContent } from './recipe.ts';
import { refuse } from './refuse.ts';
import { keysOf } from './secrets.ts';
import type { KeyedHeaderParams, ModeCheck } from './types.ts';

/** The values of each key in a `k=v<sep>k=v` header, in order (Stripe repeats `v1` while a secret rolls). */
export function parsePairs(header: string, separator: string): Map<string, string[]> {
  const pairs = new Map<string, string[]>();
  for (const item of header.split(separator)) {
    const at = item.indexOf('=');
    if (at <= 0) continue;
    const key = item.slice(0, at).trim();
    pairs.set(key, [...(pairs.get(key) ?? []), item.slice(at + 1).trim()]);
  }
  return pairs;
}

/**
 * A header carrying the timestamp and the signatures as pairs: Stripe's `t=..,v1=..`, Paddle's
 * `ts=..;h1=..`, Mux, Calendly, WorkOS, Buildkite... Any signature under the signature key may
 * match; the timestamp must be within the tolerance.
 */
export const checkKeyedHeader: ModeCheck<KeyedHeaderParams> = (params, config, req, nowMs) => {
  const keys = keysOf(config, ['secret'], params.secretEncoding);
  if (keys === undefined) return refuse('misconfigured', 'sourceConfig has no secret');
  const header = req.headers[params.header];
  if (header === undefined) return refuse('missing_signature', `no ${params.header} header`);
  const pairs = parsePairs(header, params.pairSeparator);
  const timestamp = pairs.get(params.timestampKey)?.[0];
  const sent = (pairs.get(params.signatureKey) ?? []).flatMap((text) => decode(text, params.encoding) ?? []);
  if (timestamp === undefined || sent.length === 0) {
    return refuse('missing_signature', `${params.header} lacks ${params.timestampKey}= or ${params.signatureKey}=`);
  }
  const content = signedContent(params.recipe, req, { timestamp });
  if (!anyKeySigns(params.algorithm, keys, content, sent)) return refuse('bad_signature', 'no signature matches the request');
  return checkFresh(timestamp, params.timestampFormat, params.toleranceSeconds, nowMs);
};
