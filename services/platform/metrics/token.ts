import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Whether an Authorization header carries the metrics token (MITTR_METRICS_TOKEN), compared in constant time. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer +(\S+) *$/i.exec(header ?? '')?.[1];
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}

/** What a refused scrape is told (both /metrics listeners say the same). */
export const UNAUTHORIZED = {
  challenge: 'Bearer realm="mittr metrics"',
  error: 'the metrics need Authorization: Bearer <MITTR_METRICS_TOKEN>',
} as const;
