/** The old secret keeps signing next to the new one for this long after a rotation. */
export const SECRET_OVERLAP_MS = 24 * 3_600_000;

/** A signing secret (sealed) and, during a rotation's overlap, the one it replaced. */
export type SecretPair = { signingSecretEnc: string; previousSecretEnc: string | null; previousExpiresAt: number | null };

/**
 * The secrets that sign at `now`, the one X-Mittr-Signature carries first. That is always the
 * CURRENT secret (what the API shows as `signingSecret`): a receiver that updated, or was set up
 * during the overlap, verifies at once, and a receiver can drop a leaked secret the moment it
 * rotates. The replaced secret signs alongside in webhook-signature until the overlap ends.
 * (Signing X-Mittr-Signature with the previous one instead would break, for the rest of the
 * overlap, every receiver that switched when it was told to: see README, "During an overlap".)
 */
export function signingSecrets(pair: SecretPair, now: number): string[] {
  return overlapping(pair, now) ? [pair.signingSecretEnc, pair.previousSecretEnc!] : [pair.signingSecretEnc];
}

/** True while the replaced secret still signs. */
export function overlapping(pair: SecretPair, now: number): boolean {
  return pair.previousSecretEnc !== null && pair.previousExpiresAt !== null && pair.previousExpiresAt > now;
}
