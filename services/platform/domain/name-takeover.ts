/**
 * Whether a create may take a name another aggregate holds (event types', connectors' names are unique per project):
 * from one that is deleted, at once; from one this process never saw created (its create may
 * never have reached the log), once that reservation is abandoned; from a live one, never.
 */
export type NameTakeover = 'now' | 'if-abandoned' | 'never';

export function nameTakeover(holder: { deleted: boolean } | undefined): NameTakeover {
  if (!holder) return 'if-abandoned';
  return holder.deleted ? 'now' : 'never';
}
