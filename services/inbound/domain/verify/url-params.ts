import { createHash } from 'node:crypto';
import { decode, sameText } from './compare.ts';
import { anyKeySigns, queryValues } from './hmac.ts';
import { refuse } from './refuse.ts';
import { keysOf } from './secrets.ts';
import type { InboundRequest, ModeCheck, UrlParamsParams } from './types.ts';

/** The form parameters of a urlencoded body as Twilio's helper orders them: keys sorted, each key's distinct values sorted. */
export function sortedParams(req: InboundRequest): string {
  if (!/application\/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '')) return '';
  const form = new URLSearchParams(req.rawBody.toString('utf8'));
  const keys = [...new Set(form.keys())].sort();
  return keys.map((key) => [...new Set(form.getAll(key))].sort().map((value) => key + value).join('')).join('');
}

const URL_PARTS = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#@]*@)?(\[[^\]]*\]|[^/?#:]*)(:\d*)?(.*)$/is;

/** The URL as sent, without and with the default port: Twilio may have signed either form. */
export function portVariants(url: string): string[] {
  const parts = URL_PARTS.exec(url);
  if (parts === null) return [url];
  const [, scheme = '', user = '', host = '', port, rest = ''] = parts;
  const defaultPort = scheme.toLowerCase() === 'https://' ? ':443' : ':80';
  return [...new Set([url, scheme + user + host + rest, scheme + user + host + (port ?? defaultPort) + rest])];
}

/**
 * Twilio (and Mandrill): HMAC-SHA1, base64, of the full URL followed by the sorted form
 * parameters. A JSON body is not signed itself: the URL carries its SHA-256 as `bodySHA256`,
 * which must match the body.
 */
export const checkUrlParams: ModeCheck<UrlParamsParams> = (params, config, req) => {
  const keys = keysOf(config, [params.secretField]);
  if (keys === undefined) return refuse('misconfigured', `sourceConfig has no ${params.secretField}`);
  const header = req.headers[params.header];
  const sent = header === undefined ? undefined : decode(header.trim(), 'base64');
  if (sent === undefined) return refuse('missing_signature', `no ${params.header} header`);
  const bodyHash = params.bodySha256Param === true ? queryValues(req.url, 'bodySHA256')[0] : undefined;
  const signedParams = bodyHash === undefined ? sortedParams(req) : '';
  const signed = portVariants(req.url).some((url) => anyKeySigns('sha1', keys, Buffer.from(url + signedParams, 'utf8'), [sent]));
  if (!signed) return refuse('bad_signature', `the ${params.header} signature does not match the URL and parameters`);
  if (bodyHash !== undefined && !sameText(bodyHash.toLowerCase(), createHash('sha256').update(req.rawBody).digest('hex'))) {
    return refuse('bad_signature', 'the body does not match the signed bodySHA256');
  }
  return undefined;
};
