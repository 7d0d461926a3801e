/**
 * THE SEAM TO THE ENVELOPE ENCRYPTION (issue 24's other half, built in another branch).
 *
 * That branch gives each workspace a data key wrapped by MITTR_MASTER_KEY and a
 * `destroy(accountId): Promise<void>` that shreds it. Until it is merged there is no data key to
 * shred, so this resolves at once. At the merge, the composition root (services/mittr.ts, where
 * it is handed to the API context as `shredDataKey`) passes that `destroy` instead and this
 * function is deleted. The erasure calls it before it records WorkspaceErased and again on every
 * retry (services/gdpr/erase.ts), so whatever replaces it must be idempotent.
 */
export async function shredDataKeyUntilEnvelopeEncryptionIsMerged(accountId: string): Promise<void> {
  void accountId;
}
