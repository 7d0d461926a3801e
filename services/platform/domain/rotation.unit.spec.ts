import { describe, expect, it } from 'vitest';
import { rotateAccountSecret } from '../../accounts/domain/decide.ts';
import { SECRET_OVERLAP_MS, signingSecrets } from './rotation.ts';

const T = 1_700_000_000_000;

describe('signing secrets through a rotation', () => {
  it('given a secret never rotated, signs with it alone', () => {
    expect(signingSecrets({ signingSecretEnc: 'a', previousSecretEnc: null, previousExpiresAt: null }, T)).toEqual(['a']);
  });

  it('given a rotation, signs with the new secret first and the previous alongside until the overlap ends, then with the new one alone', () => {
    const rotated = rotateAccountSecret('acc', { signingSecretEnc: 'old', previousSecretEnc: null, previousExpiresAt: null }, 'new', T);
    expect(rotated).toEqual({
      type: 'AccountSigningSecretRotated', accountId: 'acc', signingSecretEnc: 'new', previousSecretEnc: 'old',
      previousExpiresAt: T + SECRET_OVERLAP_MS, rotatedAt: T,
    });
    expect(signingSecrets(rotated, T + 1)).toEqual(['new', 'old']);
    expect(signingSecrets(rotated, T + SECRET_OVERLAP_MS)).toEqual(['new']);
  });

  it('given a second rotation inside the overlap, the secret it replaces is the newer one', () => {
    const first = rotateAccountSecret('acc', { signingSecretEnc: 'a', previousSecretEnc: null, previousExpiresAt: null }, 'b', T);
    const second = rotateAccountSecret('acc', first, 'c', T + 1_000);
    expect(signingSecrets(second, T + 2_000)).toEqual(['c', 'b']);
  });
});
