import type { InboundState } from './evolve.ts';

/**
 * Whether a create or change may take a path suffix another inbound endpoint holds (suffixes are
 * unique across the deployment): from one that is deleted or has moved to another suffix, at
 * once; from one this process never saw (its create may never have reached the log), once that
 * reservation is abandoned; from a live one at that suffix, never.
 */
export type SuffixTakeover = 'now' | 'if-abandoned' | 'never';

export function suffixTakeover(holder: Pick<InboundState, 'deleted' | 'config'> | undefined, suffix: string): SuffixTakeover {
  if (!holder) return 'if-abandoned';
  return holder.deleted || holder.config.pathSuffix !== suffix ? 'now' : 'never';
}
