import { DomainError } from '../../platform/domain/errors.ts';

/** The one-time exchange token of a portal URL works this long. */
export const EXCHANGE_TTL_MS = 10 * 60_000;
export const DEFAULT_SESSION_TTL_SECONDS = 3_600;
export const MIN_SESSION_TTL_SECONDS = 60;
export const MAX_SESSION_TTL_SECONDS = 86_400;

/** A portal session as issued: what the parent asked for, checked. */
export type SessionTerms = { returnUrl: string; ttlSeconds: number; exchangeExpiresAt: number };

/**
 * The terms of a new portal session. `ttlSeconds` is the session's idle lifetime: each use
 * slides its expiry that far ahead (default 1 h). The exchange token itself expires after
 * EXCHANGE_TTL_MS whatever the ttl. `returnURL` must be one of the sub-account's allowed origins
 * when it has any, so a portal cannot be made to send its user elsewhere. Pure.
 */
export function sessionTerms(input: { returnURL: string; ttlSeconds?: number }, allowedOrigins: readonly string[], now: number): SessionTerms {
  const problems: string[] = [];
  let url: URL | undefined;
  try { url = new URL(input.returnURL); } catch { /* reported below */ }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) problems.push('returnURL must be an absolute http(s) URL');
  else if (allowedOrigins.length > 0 && !allowedOrigins.includes(url.origin)) problems.push(`returnURL must be on one of the sub-account's allowedOrigins (${allowedOrigins.join(', ')})`);
  const ttlSeconds = input.ttlSeconds ?? DEFAULT_SESSION_TTL_SECONDS;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < MIN_SESSION_TTL_SECONDS || ttlSeconds > MAX_SESSION_TTL_SECONDS) {
    problems.push(`ttlSeconds must be an integer from ${MIN_SESSION_TTL_SECONDS} to ${MAX_SESSION_TTL_SECONDS}`);
  }
  if (problems.length > 0) throw new DomainError('VALIDATION_ERROR', problems.join('; '), { problems });
  return { returnUrl: input.returnURL, ttlSeconds, exchangeExpiresAt: now + EXCHANGE_TTL_MS };
}
