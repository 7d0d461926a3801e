import { DomainError } from '../../platform/domain/errors.ts';
import type { EmailTokenIssued, UserEmailVerified, UserPasswordChanged } from './messages.ts';

/** How long each kind of mailed link works. */
export const EMAIL_TOKEN_TTL_MS = { verify: 48 * 3_600_000, reset: 3_600_000 } as const;
type Token = { userId: string; purpose: 'verify' | 'reset'; expiresAt: number; used: boolean };

export function issueEmailToken(userId: string, purpose: Token['purpose'], tokenHash: string, now: number): EmailTokenIssued {
  return { type: 'EmailTokenIssued', userId, purpose, tokenHash, expiresAt: now + EMAIL_TOKEN_TTL_MS[purpose], issuedAt: now };
}

/** A link of `purpose` that still works: known, unused, unexpired. One answer for every other case, so a guess learns nothing. */
function usable(token: Token | undefined, purpose: Token['purpose'], now: number): Token {
  if (!token || token.purpose !== purpose || token.used || token.expiresAt <= now) {
    throw new DomainError('VALIDATION_ERROR', 'the link is invalid, used or expired');
  }
  return token;
}

export function decideVerifyEmail(token: Token | undefined, now: number): UserEmailVerified {
  return { type: 'UserEmailVerified', userId: usable(token, 'verify', now).userId, verifiedAt: now };
}

export function decideResetPassword(token: Token | undefined, passwordHash: string, now: number): UserPasswordChanged {
  return { type: 'UserPasswordChanged', userId: usable(token, 'reset', now).userId, passwordHash, changedAt: now };
}
