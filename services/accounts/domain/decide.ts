import { SECRET_OVERLAP_MS, type SecretPair } from '../../platform/domain/rotation.ts';
import type { AccountSigningSecretRotated } from './messages.ts';

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
