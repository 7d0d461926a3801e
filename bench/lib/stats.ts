/** Small statistics helpers for the benchmark harness: percentiles, time buckets, histograms. */

export type Percentiles = { p50: number; p95: number; p99: number };

/** Sorts a copy numerically (typed array sort is numeric and fast). */
export function sorted(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/** Nearest-rank percentile of an ascending array; NaN when empty. */
export function percentile(asc: Float64Array, p: number): number {
  if (asc.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * asc.length);
  return asc[Math.min(asc.length - 1, Math.max(0, rank - 1))]!;
}

export function round(n: number, digits = 1): number {
  if (!Number.isFinite(n)) return n;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function percentiles(values: ArrayLike<number>, digits = 1): Percentiles {
  const asc = sorted(values);
  return { p50: round(percentile(asc, 50), digits), p95: round(percentile(asc, 95), digits), p99: round(percentile(asc, 99), digits) };
}

/** Counts of `times` (epoch ms) per `bucketMs` bucket from `t0`, as a dense array. */
export function buckets(times: ArrayLike<number>, t0: number, bucketMs = 1000): number[] {
  const out: number[] = [];
  for (let i = 0; i < times.length; i++) {
    const b = Math.floor((times[i]! - t0) / bucketMs);
    if (b < 0) continue;
    while (out.length <= b) out.push(0);
    out[b]! += 1;
  }
  return out;
}

/**
 * Sustained rate of a stream of completion times: the middle 90 % of the completions (5th to
 * 95th percentile of their times) divided by the time they took, so the ramp-up at the start and
 * the trickle of the last few do not dilute (or inflate) the figure.
 */
export function sustainedRate(times: ArrayLike<number>): number {
  const asc = sorted(times);
  if (asc.length < 20) return asc.length < 2 ? Number.NaN : (asc.length - 1) / Math.max(1e-3, (asc[asc.length - 1]! - asc[0]!) / 1000);
  const lo = Math.floor(asc.length * 0.05);
  const hi = Math.ceil(asc.length * 0.95) - 1;
  const spanSec = (asc[hi]! - asc[lo]!) / 1000;
  return spanSec > 0 ? (hi - lo) / spanSec : Number.NaN;
}

/** Overall rate: every completion over the time from the first to the last. */
export function overallRate(times: ArrayLike<number>): number {
  const asc = sorted(times);
  if (asc.length < 2) return Number.NaN;
  return (asc.length - 1) / Math.max(1e-3, (asc[asc.length - 1]! - asc[0]!) / 1000);
}

export type Histogram = { edges: number[]; counts: number[] };

/** A histogram on log-spaced bins between the smallest and largest value (for latency charts). */
export function logHistogram(values: ArrayLike<number>, bins = 40): Histogram {
  const asc = sorted(values);
  if (asc.length === 0) return { edges: [1, 10], counts: [0] };
  const lo = Math.max(0.05, asc[0]!);
  const hi = Math.max(lo * 1.5, asc[asc.length - 1]!);
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo * (hi / lo) ** (i / bins));
  const counts = new Array<number>(bins).fill(0);
  for (const v of asc) {
    let i = Math.floor((Math.log(Math.max(v, lo) / lo) / Math.log(hi / lo)) * bins);
    if (i >= bins) i = bins - 1;
    if (i < 0) i = 0;
    counts[i]! += 1;
  }
  return { edges, counts };
}
