import type { Source } from '../../services/platform/projection/runner.ts';

/**
 * The shard of the counting rows a batch adds to (migration 25 says why rows are sharded): one
 * per (partition, topic) a projection reads, so that two batches applied at once never add to
 * the same row. `topics` is the projection's, in its order; a batch with no source (a spec
 * applying records directly) adds to shard 0. Queries sum a row's shards.
 */
export function shardOf(topics: readonly string[], source: Source | undefined): number {
  if (source === undefined) return 0;
  return source.partition * topics.length + Math.max(0, topics.indexOf(source.topic));
}
