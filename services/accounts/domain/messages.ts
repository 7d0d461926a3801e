/** The account aggregate's events (schemas/accounts/). Timestamps are epoch milliseconds. */
export type AccountCreated = {
  type: 'AccountCreated';
  accountId: string; email: string; companyName: string; passwordHash: string;
  signingSecretEnc: string; projectId: string; plan: string; createdAt: number;
};
export type ApiKeyCreated = {
  type: 'ApiKeyCreated';
  accountId: string; keyId: string; name: string; keyHash: string; prefix: string; createdAt: number;
};
export type AccountSigningSecretRotated = {
  type: 'AccountSigningSecretRotated';
  accountId: string; signingSecretEnc: string; previousSecretEnc: string; previousExpiresAt: number; rotatedAt: number;
};
export type AccountMessage = AccountCreated | ApiKeyCreated | AccountSigningSecretRotated;
export const ACCOUNT_MESSAGE_TYPES = ['AccountCreated', 'ApiKeyCreated', 'AccountSigningSecretRotated'] as const satisfies readonly AccountMessage['type'][];
