import { describe } from 'vitest';
import type { AccountMessage } from '../../services/accounts/domain/messages.ts';
import { redeliverySpec } from '../../test/support/redelivery.ts';
import { accountsProjection } from './projector.ts';

const T = 1_700_000_000_000;
const a = { accountId: '0b7e6c1a-6f0e-4f43-8f57-7d2e1b9b6a01', projectId: '3d0c9b1e-5a7f-4c2d-8e6b-1f2a3b4c5d6e' };
const b = { accountId: '5c2f1e0d-9b8a-4c7d-8e6f-5a4b3c2d1e0f', projectId: '7e6d5c4b-3a29-4180-9f8e-7d6c5b4a3928' };
const created = (ids: typeof a, email: string, at: number): AccountMessage => ({
  type: 'AccountCreated', ...ids, email, companyName: 'Acme', passwordHash: 'hash', signingSecretEnc: `sealed-${email}-1`, plan: 'free', createdAt: at, ownerUserId: null,
});
const key = (accountId: string, keyId: string, at: number): AccountMessage => ({
  type: 'ApiKeyCreated', accountId, keyId, name: 'default', keyHash: 'hash', prefix: keyId.slice(0, 8), createdAt: at,
  scopes: ['events:write', 'endpoints:read'], rateLimit: 600, expiresAt: at + 86_400_000, projectId: null,
});
const revoked = (accountId: string, keyId: string, at: number): AccountMessage => ({ type: 'ApiKeyRevoked', accountId, keyId, revokedAt: at });
const rotated = (accountId: string, from: string, to: string, at: number): AccountMessage => ({
  type: 'AccountSigningSecretRotated', accountId, signingSecretEnc: to, previousSecretEnc: from, previousExpiresAt: at + 86_400_000, rotatedAt: at,
});

describe('accounts projection', () => {
  redeliverySpec(accountsProjection({ accounts: 'accounts' }), [
    [created(a, 'a@example.test', T), key(a.accountId, '9f8e7d6c-5b4a-4392-8180-7f6e5d4c3b2a', T)],
    [created(b, 'b@example.test', T + 1), key(b.accountId, '1a2b3c4d-5e6f-4701-8293-a4b5c6d7e8f9', T + 1)],
    [rotated(a.accountId, 'sealed-a@example.test-1', 'sealed-a-2', T + 10)],
    [key(a.accountId, '2b3c4d5e-6f70-4812-93a4-b5c6d7e8f901', T + 20), rotated(a.accountId, 'sealed-a-2', 'sealed-a-3', T + 30)],
    // A revocation delivered again keeps the first revocation's time.
    [revoked(a.accountId, '2b3c4d5e-6f70-4812-93a4-b5c6d7e8f901', T + 40), revoked(a.accountId, '2b3c4d5e-6f70-4812-93a4-b5c6d7e8f901', T + 50)],
  ]);
});
