import { createRequire } from 'node:module';
import { DDSketch } from '@datadog/sketches-js';

/** The library's own protobuf decoder (what DDSketch.fromProto runs before filling a store bin by bin). */
type ProtoSketch = { positiveValues?: { contiguousBinCounts?: number[]; contiguousBinIndexOffset?: number } | null; zeroCount?: number };
const ProtoDDSketch = (createRequire(import.meta.url)('@datadog/sketches-js/dist/ddsketch/proto/compiled') as { DDSketch: { decode(b: Uint8Array): ProtoSketch } }).DDSketch;

/** Each percentile a sketch answers is within 1 % of the exact one (DDSketch's relative-error guarantee). */
export const RELATIVE_ACCURACY = 0.01;

const emptySketch = () => new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY });

/**
 * A sketch's protobuf bytes (DDSketch.fromProto reads them), in a canonical form: the bins
 * trimmed to the first and last non-empty one. The library's own toProto writes its whole
 * working array, whose padding and offset depend on the order values came in; trimmed, the
 * bytes depend only on the values (counts are whole numbers, added exactly), so a read model
 * rebuilt from the log in other batches, or merged in another order, holds the same bytes.
 * Durations are never negative: the negative store stays empty.
 */
export function encodeSketch(s: DDSketch): Uint8Array {
  const { bins, offset } = s.store;
  let lo = 0;
  while (lo < bins.length && bins[lo] === 0) lo++;
  let hi = bins.length;
  while (hi > lo && bins[hi - 1] === 0) hi--;
  const canonical = emptySketch();
  canonical.zeroCount = s.zeroCount;
  if (hi > lo) {
    const store = canonical.store;
    store.bins = bins.slice(lo, hi);
    store.offset = store.minKey = offset + lo;
    store.maxKey = offset + hi - 1;
    store.count = s.store.count;
  }
  return canonical.toProto();
}

/** The sketch of stored bytes (encodeSketch's). */
export const decodeSketch = (bytes: Uint8Array): DDSketch => DDSketch.fromProto(bytes);

/** The stored sketch (null: none yet) with more durations added, as stored bytes again. */
export function withDurations(stored: Uint8Array | null, durationsMs: readonly number[]): Uint8Array {
  const s = mergeSketches(stored === null ? [] : [stored]);
  for (const ms of durationsMs) s.accept(Math.max(0, ms));
  return encodeSketch(s);
}

/**
 * One sketch of all the stored ones: the sketch of every duration any of them holds. The stored
 * bytes are decoded by the library's protobuf decoder and their bins summed into one dense array
 * here: DDSketch.fromProto then merge cost ~0.1-0.3 ms a sketch (it adds each bin one by one,
 * growing the store as it goes), which made a 30-day endpoint-health answer seconds; summing
 * the decoded bins is ~10 µs a sketch. Bin counts are whole numbers, so the sum is exact and
 * the same in any order. Every stored sketch has this module's mapping (RELATIVE_ACCURACY) and
 * an empty negative store (encodeSketch's canonical form).
 */
export function mergeSketches(parts: Iterable<Uint8Array>): DDSketch {
  let zeros = 0;
  const decoded: Array<{ offset: number; counts: number[] }> = [];
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of parts) {
    const d = ProtoDDSketch.decode(p);
    zeros += d.zeroCount ?? 0;
    const counts = d.positiveValues?.contiguousBinCounts ?? [];
    if (counts.length === 0) continue;
    const offset = d.positiveValues?.contiguousBinIndexOffset ?? 0;
    decoded.push({ offset, counts });
    lo = Math.min(lo, offset);
    hi = Math.max(hi, offset + counts.length);
  }
  const merged = emptySketch();
  merged.zeroCount = zeros;
  if (decoded.length === 0) return merged;
  const sums = new Float64Array(hi - lo);
  let count = 0;
  for (const { offset, counts } of decoded) {
    for (let i = 0; i < counts.length; i++) {
      sums[offset - lo + i]! += counts[i]!;
      count += counts[i]!;
    }
  }
  const bins = Array.from(sums);
  const store = merged.store;
  store.bins = bins;
  store.offset = store.minKey = lo;
  store.maxKey = hi - 1;
  store.count = count;
  // The sketch's own total (what getValueAtQuantile ranks against), as fromProto sets it.
  merged.count = zeros + count;
  return merged;
}

export type Percentiles = { count: number; p50: number | null; p95: number | null; p99: number | null };

/**
 * p50, p95 and p99 of a sketch, in milliseconds, each within RELATIVE_ACCURACY of the exact
 * value at rank ⌊q·(n−1)⌋ of the sorted durations; null when it holds none.
 */
export function percentilesOf(s: DDSketch): Percentiles {
  if (s.count === 0) return { count: 0, p50: null, p95: null, p99: null };
  return { count: s.count, p50: s.getValueAtQuantile(0.5), p95: s.getValueAtQuantile(0.95), p99: s.getValueAtQuantile(0.99) };
}
