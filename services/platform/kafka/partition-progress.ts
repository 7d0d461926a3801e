import { decodeDone, encodeDone } from './offset-bitmap.ts';

/**
 * Where the parallel processor (parallel-processor.ts) is in one partition it owns: messages
 * complete out of order (keys run concurrently), so what is committed is the contiguous watermark
 * plus, in the commit metadata, the offsets done above it.
 */
export type Part = {
  topic: string; partition: number; generation: number;
  /** Offsets seen and not yet committed as done. */
  pending: Set<bigint>;
  /** Offsets done before the last assignment (from the commit metadata). */
  doneBefore: Set<bigint>;
  /** The highest offset seen (messages and markers alike). */
  highest: bigint;
  paused: boolean;
  dirty: boolean;
};

export const partKey = (topic: string, partition: number) => `${topic}:${partition}`;

/**
 * A partition as the group last committed it: the fetch starts at the watermark, and offsets from
 * there on that are not in the metadata's done set are (re)done.
 */
export function partFromCommit(
  topic: string, partition: number, generation: number, c: { offset: bigint; metadata: string | null } | undefined,
): Part {
  const start = c && c.offset >= 0n ? c.offset : 0n;
  const doneBefore = c && c.offset >= 0n ? decodeDone(start, c.metadata) : new Set<bigint>();
  return { topic, partition, generation, pending: new Set(), doneBefore, highest: start - 1n, paused: false, dirty: false };
}

/** The lowest offset not yet committed as done. */
export function floorOf(part: Part): bigint {
  let min: bigint | null = null;
  for (const o of part.pending) if (min === null || o < min) min = o;
  return min ?? part.highest + 1n;
}

/** What to commit for `part` once the offsets `completed` are done: the watermark and the done offsets above it. */
export function progressOf(part: Part, completed: bigint[]): { watermark: bigint; metadata: string | null } {
  const pending = new Set(part.pending);
  for (const o of completed) pending.delete(o);
  let watermark = part.highest + 1n;
  for (const o of pending) if (o < watermark) watermark = o;
  const done: bigint[] = [];
  for (let o = watermark; o <= part.highest; o++) if (!pending.has(o)) done.push(o);
  return { watermark, metadata: encodeDone(watermark, done) || null };
}

/** After the commit: only what it committed leaves pending (messages fetched meanwhile stay). */
export function settle(part: Part, watermark: bigint, completed: bigint[]): void {
  for (const o of completed) part.pending.delete(o);
  part.dirty = false;
  for (const o of [...part.doneBefore]) if (o < watermark) part.doneBefore.delete(o);
}
