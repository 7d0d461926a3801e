/** The account aggregate's events (schemas/accounts/). Timestamps are epoch milliseconds. */
export type AccountCreated = {
  type: 'AccountCreated';
  accountId: string; email: string; companyName: string; passwordHash: string;
  signingSecretEnc: string; projectId: string; plan: string; createdAt: number;
};
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
export type AccountMessage = AccountCreated | ApiKeyCreated | ApiKeyRevoked | AccountSigningSecretRotated;
export const ACCOUNT_MESSAGE_TYPES = ['AccountCreated', 'ApiKeyCreated', 'ApiKeyRevoked', 'AccountSigningSecretRotated'] as const satisfies readonly AccountMessage['type'][];
