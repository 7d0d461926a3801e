/** The old secret keeps signing next to the new one for this long after a rotation. */
export const SECRET_OVERLAP_MS = 24 * 3_600_000;

/** A signing secret (sealed) and, during a rotation's overlap, the one it replaced. */
export type SecretPair = { signingSecretEnc: string; previousSecretEnc: string | null; previousExpiresAt: number | null };

/**
 * The secrets that sign at `now`, the one X-Mittr-Signature carries first. During an overlap
 * that is the PREVIOUS secret: a receiver verifying with the quickstart's snippets holds the
 * secret it had, and keeps verifying for the whole overlap; the new secret signs alongside in
 * webhook-signature from the first moment, and alone in X-Mittr-Signature once the overlap ends.
 */
export function signingSecrets(pair: SecretPair, now: number): string[] {
  return overlapping(pair, now) ? [pair.previousSecretEnc!, pair.signingSecretEnc] : [pair.signingSecretEnc];
}

/** True while the replaced secret still signs. */
export function overlapping(pair: SecretPair, now: number): boolean {
  return pair.previousSecretEnc !== null && pair.previousExpiresAt !== null && pair.previousExpiresAt > now;
}
