import { DDSketch } from '@datadog/sketches-js';

/** Each percentile a sketch answers is within 1 % of the exact one (DDSketch's relative-error guarantee). */
export const RELATIVE_ACCURACY = 0.01;

const emptySketch = () => new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY });

/** A sketch's content: how many zeros, and the counts of the bins from key `offset` on (first and last non-zero). */
type Bins = { zeros: number; offset: number; counts: ArrayLike<number> };

/**
 * A sketch's stored bytes, in a canonical form: unsigned LEB128 varints of the layout, the zero
 * count, the first bin's key (zigzag), the number of bins, and the bins (trimmed to the first and
 * last non-empty one) in the shorter of two layouts (writeBins): an hour's few durations spread
 * over hundreds of bins are written as the non-empty ones. Counts are whole numbers (each duration adds 1, sums are
 * exact), so the bytes depend only on the durations: a read model rebuilt from the log in other
 * batches, or merged in another order, holds the same bytes. Not the library's protobuf
 * (toProto), whose counts are 8-byte doubles: a day's sketch of an endpoint there was ~2.4 KB,
 * mostly small counts, and a 30-day endpoint-health answer reads and decodes ~2,700 of them;
 * here it is ~300-400 bytes, and an hour's ~30 durations ~60. Durations are never negative: the negative store stays empty.
 */
export function encodeSketch(s: DDSketch): Uint8Array {
  const { bins, offset } = s.store;
  let lo = 0;
  while (lo < bins.length && bins[lo] === 0) lo++;
  let hi = bins.length;
  while (hi > lo && bins[hi - 1] === 0) hi--;
  return writeBins({ zeros: s.zeroCount, offset: hi > lo ? offset + lo : 0, counts: bins.slice(lo, hi) });
}

/** The sketch of stored bytes (encodeSketch's). */
export const decodeSketch = (bytes: Uint8Array): DDSketch => mergeSketches([bytes]);

/** Unsigned LEB128 varints, written and read. */
function varints() {
  const out: number[] = [];
  return {
    out,
    write(n: number) {
      if (!Number.isSafeInteger(n) || n < 0) throw new Error(`a sketch holds whole counts, not ${n}`);
      while (n >= 0x80) {
        out.push((n % 0x80) | 0x80);
        n = Math.floor(n / 0x80);
      }
      out.push(n);
    },
  };
}

/** A reader of the varints of `bytes` from `at` on; `at` is where the next one starts. */
class Varints {
  private readonly bytes: Uint8Array;
  at: number;
  constructor(bytes: Uint8Array, at: number) {
    this.bytes = bytes;
    this.at = at;
  }

  next(): number {
    const bytes = this.bytes;
    let at = this.at;
    let byte = bytes[at++];
    // Most counts and gaps fit in one byte.
    if (byte !== undefined && byte < 0x80) {
      this.at = at;
      return byte;
    }
    let n = 0;
    let scale = 1;
    for (;;) {
      if (byte === undefined) throw new Error('a stored sketch ends inside a number');
      n += (byte & 0x7f) * scale;
      if (byte < 0x80) break;
      scale *= 0x80;
      byte = bytes[at++];
    }
    this.at = at;
    return n;
  }
}

/** The two layouts of the bins: each count in turn, or (zeros skipped, count) for each non-empty bin; the shorter is written. */
const DENSE = 0;
const SPARSE = 1;

function writeBins(b: Bins): Uint8Array {
  const head = (layout: number) => {
    const v = varints();
    v.write(layout);
    v.write(b.zeros);
    v.write(b.offset < 0 ? -2 * b.offset - 1 : 2 * b.offset);
    v.write(b.counts.length);
    return v;
  };
  const dense = head(DENSE);
  for (let i = 0; i < b.counts.length; i++) dense.write(b.counts[i]!);
  const sparse = head(SPARSE);
  let gap = 0;
  for (let i = 0; i < b.counts.length; i++) {
    if (b.counts[i] === 0) gap++;
    else {
      sparse.write(gap);
      sparse.write(b.counts[i]!);
      gap = 0;
    }
  }
  return Uint8Array.from(sparse.out.length < dense.out.length ? sparse.out : dense.out);
}

/** The head of the stored sketch at `at` of `bytes`: its layout, zero count, first key and number of bins, and a reader at its bins. */
function readHead(bytes: Uint8Array, at: number) {
  const r = new Varints(bytes, at);
  const layout = r.next();
  const zeros = r.next();
  const z = r.next();
  return { layout, zeros, offset: z % 2 === 1 ? -(z + 1) / 2 : z / 2, length: r.next(), r };
}

/** Adds a stored sketch's bins (its head read) to `sums`, whose first bin is key `lo`; answers their total. */
function addBins(h: ReturnType<typeof readHead>, sums: number[], lo: number): number {
  let total = 0;
  const base = h.offset - lo;
  const r = h.r;
  const sparse = h.layout === SPARSE;
  for (let i = 0; i < h.length; i++) {
    if (sparse) i += r.next();
    const c = r.next();
    sums[base + i]! += c;
    total += c;
  }
  return total;
}

/** The stored sketch (null: none yet) with more durations added, as stored bytes again. */
export function withDurations(stored: Uint8Array | null, durationsMs: readonly number[]): Uint8Array {
  const s = mergeSketches(stored === null ? [] : [stored]);
  for (const ms of durationsMs) s.accept(Math.max(0, ms));
  return encodeSketch(s);
}

/**
 * One sketch of all the stored ones: the sketch of every duration any of them holds, their bins
 * summed into one dense array (whole numbers: exact, and the same in any order) and set as the
 * store of a sketch of this module's mapping (RELATIVE_ACCURACY). The library's fromProto and
 * merge fill a store bin by bin for every sketch, ~0.1-0.3 ms each. A part may hold several
 * stored sketches one after another (a range's rows concatenated by Postgres's string_agg):
 * each is self-delimiting, its bins read once, straight into the sum.
 */
export function mergeSketches(parts: Iterable<Uint8Array>): DDSketch {
  let zeros = 0;
  let count = 0;
  // The sums of keys [lo, lo + bins.length), widened when a sketch reaches outside them.
  let bins: number[] = [];
  let lo = 0;
  for (const p of parts) {
    for (let at = 0; at < p.length;) {
      const h = readHead(p, at);
      zeros += h.zeros;
      if (h.length > 0) {
        if (bins.length === 0) {
          bins = new Array<number>(h.length).fill(0);
          lo = h.offset;
        } else if (h.offset < lo || h.offset + h.length > lo + bins.length) {
          const from = Math.min(lo, h.offset);
          const wider = new Array<number>(Math.max(lo + bins.length, h.offset + h.length) - from).fill(0);
          for (let i = 0; i < bins.length; i++) wider[lo - from + i] = bins[i]!;
          bins = wider;
          lo = from;
        }
        count += addBins(h, bins, lo);
      }
      at = h.r.at;
    }
  }
  const merged = emptySketch();
  merged.zeroCount = zeros;
  merged.count = zeros;
  if (bins.length === 0) return merged;
  const store = merged.store;
  store.bins = bins;
  store.offset = store.minKey = lo;
  store.maxKey = lo + bins.length - 1;
  store.count = count;
  // The sketch's own total (what getValueAtQuantile ranks against).
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
