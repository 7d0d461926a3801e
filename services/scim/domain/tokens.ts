import { scimError } from './errors.ts';
import type { ScimTokenIssued, ScimTokenRevoked } from './messages.ts';

/** The most live SCIM tokens a workspace may hold: one per identity provider, and a spare while rotating. */
export const MAX_TOKENS = 10;
export type TokenState = { tokenId: string; name: string; prefix: string; issuedAt: number };

/**
 * Issues a SCIM token for the workspace, when its plan includes SCIM (Scale and above: 402
 * otherwise, as every plan limit answers). Pure: the token's hash and prefix, the clock and the id come in.
 */
export function decideIssueToken(
  accountId: string, input: { name: string }, planIncludesScim: boolean, live: readonly TokenState[], token: { hash: string; prefix: string }, deps: { now: number; newId: () => string },
): ScimTokenIssued {
  if (!planIncludesScim) throw scimError('QUOTA_EXCEEDED', null, 'the plan does not include SCIM provisioning (Scale and above)');
  const name = input.name.trim();
  if (name.length === 0 || name.length > 100) throw scimError('VALIDATION_ERROR', null, 'name must be 1 to 100 characters');
  if (live.length >= MAX_TOKENS) throw scimError('CONFLICT', null, `a workspace holds at most ${MAX_TOKENS} SCIM tokens: revoke one first`);
  return { type: 'ScimTokenIssued', accountId, tokenId: deps.newId(), name, tokenHash: token.hash, prefix: token.prefix, issuedAt: deps.now };
}

/** Revokes one of the workspace's live tokens; another workspace's is not found. */
export function decideRevokeToken(accountId: string, live: readonly TokenState[], tokenId: string, now: number): ScimTokenRevoked {
  if (!live.some((t) => t.tokenId === tokenId)) throw scimError('NOT_FOUND', null, 'SCIM token not found');
  return { type: 'ScimTokenRevoked', accountId, tokenId, revokedAt: now };
}
