import { SECRET_OVERLAP_MS, type SecretPair } from '../../platform/domain/rotation.ts';
import type { AccountCreated, AccountSigningSecretRotated, ApiKeyCreated, MemberAdded, UserRegistered } from './messages.ts';

/**
 * Rotates the workspace's global signing secret (it signs direct events and every endpoint
 * without a secret of its own). Pure: the clock and the new sealed secret come in.
 */
export function rotateAccountSecret(accountId: string, current: SecretPair, newSecretEnc: string, now: number): AccountSigningSecretRotated {
  return {
    type: 'AccountSigningSecretRotated', accountId, signingSecretEnc: newSecretEnc,
    previousSecretEnc: current.signingSecretEnc, previousExpiresAt: now + SECRET_OVERLAP_MS, rotatedAt: now,
  };
}

/**
 * What a signup brings, already made safe to keep: the password hashed, the secret sealed; and
 * the plan the deployment opens accounts on (MITTR_SIGNUP_PLAN).
 */
export type SignupInput = {
  email: string; companyName?: string; passwordHash: string; signingSecretEnc: string; keyHash: string; keyPrefix: string; plan: string;
};

/** The e-mail as an account is found by: trimmed and lower-cased. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/**
 * A signup registers a user and opens a workspace (an account on the given plan, with its first
 * project and global signing secret) with that user as its admin, and the workspace's first API
 * key, named "default", holding every scope. Pure: the clock and the ids come in.
 */
export function decideSignup(input: SignupInput, deps: { now: number; newId: () => string }): [AccountCreated, ApiKeyCreated, UserRegistered, MemberAdded] {
  const accountId = deps.newId();
  const email = normalizeEmail(input.email);
  const account: AccountCreated = {
    type: 'AccountCreated', accountId, email, companyName: input.companyName ?? '',
    passwordHash: input.passwordHash, signingSecretEnc: input.signingSecretEnc, projectId: deps.newId(), plan: input.plan, createdAt: deps.now,
    ownerUserId: null,
  };
  const apiKey: ApiKeyCreated = {
    type: 'ApiKeyCreated', accountId, keyId: deps.newId(), name: 'default', keyHash: input.keyHash, prefix: input.keyPrefix, createdAt: deps.now,
    scopes: ['*'], rateLimit: null, expiresAt: null, projectId: null,
  };
  const user: UserRegistered = { type: 'UserRegistered', userId: deps.newId(), email, name: '', passwordHash: input.passwordHash, registeredAt: deps.now };
  account.ownerUserId = user.userId;
  const member: MemberAdded = { type: 'MemberAdded', accountId, userId: user.userId, role: 'admin', addedAt: deps.now };
  return [account, apiKey, user, member];
}
