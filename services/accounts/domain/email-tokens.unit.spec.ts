import { describe, expect, it } from 'vitest';
import { DomainError } from '../../platform/domain/errors.ts';
import { decideResetPassword, decideVerifyEmail, EMAIL_TOKEN_TTL_MS, issueEmailToken } from './email-tokens.ts';

const T = 1_700_000_000_000;
const message = (fn: () => unknown) => { try { fn(); return 'no error'; } catch (err) { return err instanceof DomainError ? `${err.code}: ${err.message}` : err; } };

describe('e-mail tokens', () => {
  it('issues a verification link for 48 h and a reset link for 1 h', () => {
    expect(issueEmailToken('u', 'verify', 'h', T)).toEqual({ type: 'EmailTokenIssued', userId: 'u', purpose: 'verify', tokenHash: 'h', expiresAt: T + EMAIL_TOKEN_TTL_MS.verify, issuedAt: T });
    expect(issueEmailToken('u', 'reset', 'h', T).expiresAt).toBe(T + 3_600_000);
  });
  it('given a live link, when used, then the address is verified or the password changed', () => {
    expect(decideVerifyEmail({ userId: 'u', purpose: 'verify', expiresAt: T + 1, used: false }, T)).toEqual({ type: 'UserEmailVerified', userId: 'u', verifiedAt: T });
    expect(decideResetPassword({ userId: 'u', purpose: 'reset', expiresAt: T + 1, used: false }, 'ph', T)).toEqual({ type: 'UserPasswordChanged', userId: 'u', passwordHash: 'ph', changedAt: T });
  });
  it('given an unknown, used, expired or other-purpose link, when used, then one and the same refusal', () => {
    const refusal = 'VALIDATION_ERROR: the link is invalid, used or expired';
    expect(message(() => decideVerifyEmail(undefined, T))).toBe(refusal);
    expect(message(() => decideVerifyEmail({ userId: 'u', purpose: 'verify', expiresAt: T + 1, used: true }, T))).toBe(refusal);
    expect(message(() => decideVerifyEmail({ userId: 'u', purpose: 'verify', expiresAt: T, used: false }, T))).toBe(refusal);
    expect(message(() => decideResetPassword({ userId: 'u', purpose: 'verify', expiresAt: T + 1, used: false }, 'ph', T))).toBe(refusal);
  });
});
