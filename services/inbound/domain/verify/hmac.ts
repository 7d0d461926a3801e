import { createHmac } from 'node:crypto';
import { decode, sameBytes } from './compare.ts';
import { checkFresh, sentTimestamp } from './freshness.ts';
import { signedContent } from './recipe.ts';
import { refuse } from './refuse.ts';
import { keysOf, settingOf } from './secrets.ts';
import type { HashAlgorithm, HmacParams, InboundRequest, ModeCheck, Naming } from './types.ts';

/** Whether any of the keys signs the content into any of the sent signatures, in constant time per pair. */
export function anyKeySigns(algorithm: HashAlgorithm, keys: readonly Buffer[], content: Buffer, sent: readonly Buffer[]): boolean {
  return keys.some((key) => {
    const expected = createHmac(algorithm, key).update(content).digest();
    return sent.some((signature) => sameBytes(signature, expected));
  });
}

/**
 * HMAC of a recipe over the request (GitHub, Shopify, Slack, Zoom, HubSpot v3, ...): the
 * signature comes from a header (or a query parameter), after an optional prefix, possibly
 * several of them; when the recipe has a timestamp it is checked against the tolerance once the
 * signature holds, so `stale_timestamp` means a genuine but replayed request.
 */
export const checkHmac: ModeCheck<HmacParams & Naming> = (params, config, req, nowMs) => {
  const keys = keysOf(config, params.secretFields ?? ['secret'], params.secretEncoding);
  if (keys === undefined) return refuse('misconfigured', `sourceConfig has no ${(params.secretFields ?? ['secret']).join(' or ')}`);
  const sent = sentSignatures(params, config, req);
  if (sent.length === 0) return refuse('missing_signature', `no signature in ${describeWhere(params, config)}`);
  const timestamp = sentTimestamp(params, req);
  if (typeof timestamp === 'object') return timestamp;
  const id = params.idHeader === undefined ? undefined : req.headers[params.idHeader];
  const content = signedContent(params.recipe ?? '{body}', req, { timestamp, id });
  if (!anyKeySigns(params.algorithm, keys, content, sent)) return refuse('bad_signature', 'the signature does not match the request');
  return timestamp === undefined ? undefined : checkFresh(timestamp, params.timestampFormat, params.toleranceSeconds, nowMs);
};

function sentSignatures(params: HmacParams, config: Readonly<Record<string, unknown>>, req: InboundRequest): Buffer[] {
  const texts = params.queryParam !== undefined ? queryValues(req.url, params.queryParam) : headerNames(params, config).map((h) => req.headers[h]);
  return texts
    .flatMap((text) => (text === undefined ? [] : params.listSeparator === undefined ? [text] : text.split(params.listSeparator)))
    .map((text) => withoutPrefix(text.trim(), params.prefix))
    .flatMap((text) => (text === undefined ? [] : [decode(text, params.encoding)]))
    .filter((bytes): bytes is Buffer => bytes !== undefined && bytes.length > 0);
}

function headerNames(params: HmacParams, config: Readonly<Record<string, unknown>>): string[] {
  const chosen = settingOf(config, params.headerField);
  if (chosen !== undefined) return [chosen.toLowerCase()];
  return typeof params.header === 'string' ? [params.header] : [...params.header];
}

function describeWhere(params: HmacParams, config: Readonly<Record<string, unknown>>): string {
  return params.queryParam !== undefined ? `the ${params.queryParam} query parameter` : headerNames(params, config).join(' or ');
}

/** The text after a prefix (compared case-insensitively: `SHA256=` and `sha256=` are both sent), or undefined when it lacks it. */
function withoutPrefix(text: string, prefix: string | undefined): string | undefined {
  if (prefix === undefined) return text;
  return text.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase() ? text.slice(prefix.length).trim() : undefined;
}

export function queryValues(url: string, param: string): string[] {
  try {
    return new URL(url).searchParams.getAll(param);
  } catch {
    return [];
  }
}
