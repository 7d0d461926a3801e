import { DomainError } from '../../platform/domain/errors.ts';
import { ALL_SCOPES, SCOPES } from '../../platform/domain/scopes.ts';
import type { ApiKeyCreated, ApiKeyRevoked } from './messages.ts';

/** What a caller asks for when creating a key (002: name, scopes, rateLimit, expiresAt). */
export type CreateKeyInput = { name: string; scopes?: string[]; rateLimit?: number | null; expiresAt?: string | null; projectId?: string | null };
/** A key as its account's decisions see it. */
export type KeyState = { keyId: string; expiresAt: number | null };

/** The most requests a minute a key may be given. */
export const MAX_RATE_LIMIT = 1_000_000;

/**
 * Issues a key. Without `scopes` it holds every scope, as the account's first key does; with a
 * `projectId` (one of the workspace's, `projects` lists them) it reaches that project only. Pure:
 * the key's hash and prefix, the clock and the id come in; the raw key never does.
 */
export function decideCreateKey(
  accountId: string, input: CreateKeyInput, key: { hash: string; prefix: string }, deps: { now: number; newId: () => string }, projects: readonly string[] = [],
): ApiKeyCreated {
  const problems: string[] = [];
  const name = input.name.trim();
  if (name.length === 0 || name.length > 100) problems.push('name must be 1 to 100 characters');
  const scopes = [...new Set(input.scopes ?? [ALL_SCOPES])];
  if (scopes.length === 0) problems.push('scopes must name at least one scope');
  const unknown = scopes.filter((s) => !SCOPES.includes(s));
  if (unknown.length > 0) problems.push(`unknown scopes: ${unknown.join(', ')} (known: ${SCOPES.join(', ')})`);
  const rateLimit = input.rateLimit ?? null;
  if (rateLimit !== null && (!Number.isInteger(rateLimit) || rateLimit < 1 || rateLimit > MAX_RATE_LIMIT)) {
    problems.push(`rateLimit must be an integer from 1 to ${MAX_RATE_LIMIT} (requests per minute)`);
  }
  const expiresAt = input.expiresAt ? Date.parse(input.expiresAt) : null;
  if (expiresAt !== null && (Number.isNaN(expiresAt) || expiresAt <= deps.now)) problems.push('expiresAt must be a time in the future');
  if (problems.length > 0) throw new DomainError('VALIDATION_ERROR', problems.join('; '), { problems });
  const projectId = input.projectId ?? null;
  if (projectId !== null && !projects.includes(projectId)) throw new DomainError('NOT_FOUND', 'project not found');
  return {
    type: 'ApiKeyCreated', accountId, keyId: deps.newId(), name, keyHash: key.hash, prefix: key.prefix,
    createdAt: deps.now, scopes: scopes.includes(ALL_SCOPES) ? [ALL_SCOPES] : scopes.sort(), rateLimit, expiresAt, projectId,
  };
}

/**
 * Revokes one of the account's keys. The last key that still works cannot be revoked: without
 * a login, it is the only way into the account.
 */
export function decideRevokeKey(accountId: string, keys: readonly KeyState[], keyId: string, now: number): ApiKeyRevoked {
  if (!keys.some((k) => k.keyId === keyId)) throw new DomainError('NOT_FOUND', 'API key not found');
  const working = keys.filter((k) => k.expiresAt === null || k.expiresAt > now);
  if (working.length === 1 && working[0]!.keyId === keyId) {
    throw new DomainError('INVALID_STATE', 'this is the account\'s last working API key; create another before revoking it');
  }
  return { type: 'ApiKeyRevoked', accountId, keyId, revokedAt: now };
}
