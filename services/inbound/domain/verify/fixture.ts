import type { InboundRequest } from './types.ts';

/** A request as the receiver would hand it over: header names lower-cased, body as bytes. Specs only. */
export function inbound(body: string | Buffer, headers: Record<string, string> = {}, url = 'https://mittr.example/inbound/hook', method = 'POST'): InboundRequest {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method, url, headers: lower, rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8') };
}
