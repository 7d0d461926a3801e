import { describe, expect, it } from 'vitest';
import { decideSignup, normalizeEmail, rotateAccountSecret } from './decide.ts';
import { SECRET_OVERLAP_MS } from '../../platform/domain/rotation.ts';

const ids = () => { let n = 0; return () => `id-${++n}`; };
const input = { email: '  Ada@Example.COM ', passwordHash: 'argon2$h', signingSecretEnc: 'sealed', keyHash: 'kh', keyPrefix: 'mk_1234', plan: 'free' };

describe('decideSignup', () => {
  it('given a new e-mail, when signing up, then a user, a workspace on the free plan with the user as admin, and its default key holding every scope', () => {
    const [account, key, user, member] = decideSignup({ ...input, companyName: 'Acme' }, { now: 1_000, newId: ids() });
    expect(account).toEqual({
      type: 'AccountCreated', accountId: 'id-1', email: 'ada@example.com', companyName: 'Acme', passwordHash: 'argon2$h',
      signingSecretEnc: 'sealed', projectId: 'id-2', plan: 'free', createdAt: 1_000, ownerUserId: 'id-4',
    });
    expect(user).toEqual({ type: 'UserRegistered', userId: 'id-4', email: 'ada@example.com', name: '', passwordHash: 'argon2$h', registeredAt: 1_000 });
    expect(member).toEqual({ type: 'MemberAdded', accountId: 'id-1', userId: 'id-4', role: 'admin', addedAt: 1_000 });
    expect(key).toEqual({ type: 'ApiKeyCreated', accountId: 'id-1', keyId: 'id-3', name: 'default', keyHash: 'kh', prefix: 'mk_1234', createdAt: 1_000,
      scopes: ['*'], rateLimit: null, expiresAt: null, projectId: null });
  });
  it('given the deployment opens accounts on self-hosted, when signing up, then the account records that plan', () => {
    expect(decideSignup({ ...input, plan: 'self-hosted' }, { now: 0, newId: ids() })[0].plan).toBe('self-hosted');
  });
  it('given no company name, when signing up, then it is empty, not missing', () => {
    expect(decideSignup(input, { now: 0, newId: ids() })[0].companyName).toBe('');
  });
  it('given e-mails differing in case and spaces, when normalised, then they are one', () => {
    expect(normalizeEmail(' A@B.io')).toBe(normalizeEmail('a@b.IO'));
  });
});

describe('rotateAccountSecret', () => {
  it('given a current secret, when rotating, then the old one keeps signing for the overlap', () => {
    const current = { signingSecretEnc: 'old', previousSecretEnc: '', previousExpiresAt: 0 };
    expect(rotateAccountSecret('a1', current, 'new', 5_000)).toEqual({
      type: 'AccountSigningSecretRotated', accountId: 'a1', signingSecretEnc: 'new', previousSecretEnc: 'old',
      previousExpiresAt: 5_000 + SECRET_OVERLAP_MS, rotatedAt: 5_000,
    });
  });
});
