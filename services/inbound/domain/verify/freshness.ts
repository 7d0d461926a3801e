import { refuse } from './refuse.ts';
import type { Freshness, InboundRequest, Refused, TimestampFormat } from './types.ts';
import { bodyField } from './body.ts';

export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The timestamp a scheme signs, as sent; undefined when the scheme has none, a refusal when it is missing. */
export function sentTimestamp(params: Freshness, req: InboundRequest): string | undefined | Refused {
  if (params.timestampHeader !== undefined) {
    return req.headers[params.timestampHeader] ?? refuse('missing_signature', `no ${params.timestampHeader} header`);
  }
  if (params.timestampField !== undefined) {
    return bodyField(req.rawBody, params.timestampField) ?? refuse('missing_signature', `no ${params.timestampField} in the body`);
  }
  return undefined;
}

/** Refuses a timestamp further than the tolerance from now, in the past or the future (a replay, or a skewed clock). */
export function checkFresh(sent: string, format: TimestampFormat = 'unix-s', toleranceSeconds = DEFAULT_TOLERANCE_SECONDS, nowMs: number): Refused | undefined {
  const atMs = parseTimestamp(sent.trim(), format);
  if (atMs === undefined) return refuse('bad_signature', `the timestamp ${JSON.stringify(sent.slice(0, 40))} is not ${format}`);
  const skewSeconds = Math.abs(nowMs - atMs) / 1000;
  if (skewSeconds > toleranceSeconds) {
    return refuse('stale_timestamp', `the timestamp is ${Math.round(skewSeconds)} s from now, over the ${toleranceSeconds} s tolerance`);
  }
  return undefined;
}

function parseTimestamp(text: string, format: TimestampFormat): number | undefined {
  if (format === 'iso8601') {
    const ms = Date.parse(text);
    return Number.isFinite(ms) ? ms : undefined;
  }
  if (!/^\d{1,16}$/.test(text)) return undefined;
  const n = Number(text);
  return format === 'unix-s' ? n * 1000 : n;
}
