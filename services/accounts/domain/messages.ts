/** The accounts room's events (schemas/accounts/): workspaces, users, memberships, keys. Timestamps are epoch milliseconds. */
export type AccountCreated = {
  type: 'AccountCreated';
  accountId: string; email: string; companyName: string; passwordHash: string;
  signingSecretEnc: string; projectId: string; plan: string; createdAt: number;
  /** The user who opened it; null for accounts opened before users existed (their owner is the account's e-mail and password). */
  ownerUserId: string | null;
};
/** A person with a login, apart from any workspace. */
export type UserRegistered = { type: 'UserRegistered'; userId: string; email: string; name: string; passwordHash: string; registeredAt: number };
/** A user joined a workspace with a role. */
export type MemberAdded = { type: 'MemberAdded'; accountId: string; userId: string; role: 'admin' | 'editor' | 'viewer'; addedAt: number };
export type ApiKeyCreated = {
  type: 'ApiKeyCreated';
  accountId: string; keyId: string; name: string; keyHash: string; prefix: string; createdAt: number;
  /** What the key may do (`events:write`, ..., or `*`): services/platform/domain/scopes.ts. */
  scopes: string[];
  /** Requests per minute; null: the plan's default. */
  rateLimit: number | null;
  expiresAt: number | null;
};
export type ApiKeyRevoked = { type: 'ApiKeyRevoked'; accountId: string; keyId: string; revokedAt: number };
export type AccountSigningSecretRotated = {
  type: 'AccountSigningSecretRotated';
  accountId: string; signingSecretEnc: string; previousSecretEnc: string; previousExpiresAt: number; rotatedAt: number;
};
export type AccountMessage = AccountCreated | UserRegistered | MemberAdded | ApiKeyCreated | ApiKeyRevoked | AccountSigningSecretRotated;
export const ACCOUNT_MESSAGE_TYPES = ['AccountCreated', 'UserRegistered', 'MemberAdded', 'ApiKeyCreated', 'ApiKeyRevoked', 'AccountSigningSecretRotated'] as const satisfies readonly AccountMessage['type'][];
