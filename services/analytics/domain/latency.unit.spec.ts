import { DDSketch } from '@datadog/sketches-js';
import { describe, expect, it } from 'vitest';
import { decodeSketch, encodeSketch, mergeSketches, percentilesOf, RELATIVE_ACCURACY, withDurations } from './latency.ts';

/** A deterministic spread of durations: a few zeros, a body around 20-400 ms and a long tail to 30 s. */
function durations(n: number, seed = 1): number[] {
  let x = seed;
  const next = () => { x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0; return x / 4_294_967_296; };
  return Array.from({ length: n }, () => {
    const u = next();
    if (u < 0.02) return 0;
    if (u > 0.97) return Math.round(1_000 + next() * 29_000);
    return Math.round(20 * Math.exp(next() * 3));
  });
}
/** The exact percentile DDSketch estimates: the value at rank ⌊q·(n−1)⌋ of the sorted values. */
const exact = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.floor(q * (values.length - 1))]!;
const within = (estimate: number | null, truth: number) => {
  expect(estimate).not.toBeNull();
  if (truth === 0) expect(estimate).toBe(0);
  else expect(Math.abs(estimate! - truth) / truth).toBeLessThanOrEqual(RELATIVE_ACCURACY + 1e-12);
};
const chunks = <T>(xs: T[], size: number) => Array.from({ length: Math.ceil(xs.length / size) }, (_, i) => xs.slice(i * size, (i + 1) * size));

describe('latency sketches', () => {
  it('given durations stored hour by hour, when merged, then p50, p95 and p99 are within 1 % of the exact ones', () => {
    const values = durations(5_000);
    const hours = chunks(values, 300).map((c) => withDurations(null, c));
    const p = percentilesOf(mergeSketches(hours));
    expect(p.count).toBe(values.length);
    within(p.p50, exact(values, 0.5));
    within(p.p95, exact(values, 0.95));
    within(p.p99, exact(values, 0.99));
  });

  it('given small samples, when asking each percentile, then within 1 % too (zeros exact)', () => {
    for (const n of [1, 2, 3, 7, 20, 101]) {
      const values = durations(n, n);
      const p = percentilesOf(decodeSketch(withDurations(null, values)));
      within(p.p50, exact(values, 0.5));
      within(p.p95, exact(values, 0.95));
      within(p.p99, exact(values, 0.99));
    }
    within(percentilesOf(decodeSketch(withDurations(null, [0, 0, 5]))).p50, 0);
  });

  it('given the same durations added in other batches and orders, when stored, then the same bytes (a rebuild writes what the live projector did)', () => {
    const values = durations(2_000, 7);
    const once = withDurations(null, values);
    let batched: Uint8Array | null = null;
    for (const c of chunks([...values].reverse(), 37)) batched = withDurations(batched, c);
    expect(Buffer.from(batched!).equals(Buffer.from(once))).toBe(true);
    const merged = encodeSketch(mergeSketches(chunks(values, 500).map((c) => withDurations(null, c)).reverse()));
    expect(Buffer.from(merged).equals(Buffer.from(once))).toBe(true);
  });

  it('given stored sketches concatenated (a range\'s rows by string_agg), when merged, then the same sketch as merged apart, in any grouping', () => {
    const values = durations(3_000, 11);
    // Hours of other spreads (a slow hour reaching keys past the others', a fast one before them) and an empty one.
    const parts = [...chunks(values, 250), [30_000, 29_000], [0.5, 0.6], []].map((c) => withDurations(null, c));
    const apart = encodeSketch(mergeSketches(parts));
    const joined = Buffer.concat(parts);
    expect(Buffer.from(encodeSketch(mergeSketches([joined]))).equals(Buffer.from(apart))).toBe(true);
    const halves = [Buffer.concat(parts.slice(0, 5)), Buffer.concat(parts.slice(5).reverse())];
    expect(Buffer.from(encodeSketch(mergeSketches(halves))).equals(Buffer.from(apart))).toBe(true);
    expect(percentilesOf(mergeSketches([joined])).count).toBe(values.length + 4);
    // A sketch cut short is an error, never a smaller answer.
    expect(() => mergeSketches([joined.subarray(0, joined.length - 1)])).toThrow(/ends inside a number/);
  });

  it('given durations added to a stored sketch, when read, then it holds the old ones and the new ones', () => {
    const stored = withDurations(null, [10, 20]);
    expect(percentilesOf(decodeSketch(withDurations(stored, [30, 40, 50]))).count).toBe(5);
  });

  it('given nothing, when asking percentiles, then none', () => {
    expect(percentilesOf(mergeSketches([]))).toEqual({ count: 0, p50: null, p95: null, p99: null });
  });

  it('given a day of many durations and an hour of a few, when stored, then compact, and read back as the same sketch (sub-millisecond keys and counts past 127 too)', () => {
    const day = [...durations(20_000, 3), ...Array.from({ length: 300 }, () => 0.2), ...Array.from({ length: 200 }, () => 7)];
    const hour = durations(30, 5);
    for (const values of [day, hour]) {
      const stored = withDurations(null, values);
      const library = new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY });
      for (const v of values) library.accept(v);
      const read = decodeSketch(stored);
      expect(read.count).toBe(values.length);
      for (const q of [0, 0.01, 0.5, 0.95, 0.99, 1]) expect(read.getValueAtQuantile(q)).toBe(library.getValueAtQuantile(q));
      expect(Buffer.from(encodeSketch(read)).equals(Buffer.from(stored))).toBe(true);
    }
    expect(withDurations(null, hour).length).toBeLessThan(100);
    expect(withDurations(null, day).length).toBeLessThan(1_500);
  });
});
