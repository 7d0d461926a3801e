import { mergeSketches, percentilesOf } from './latency.ts';
import { foldBuckets, secondsCovered, type AnalyticsRange } from './range.ts';
import { FAILURE_CATEGORIES, type FailureCategory } from './tally.ts';

/** One hour of the read model, summed over the endpoints a query asked for. */
export type HourCounts = {
  hour: number; accepted: number; dispatched: number;
  delivered: number; retried: number; dead: number; cancelled: number; failed: number;
  failures: Record<FailureCategory, number>;
};
/** One hour's latency sketch (encodeSketch's bytes) of one endpoint, or of the direct destinations (''). */
export type HourSketch = { hour: number; endpoint: string; sketch: Uint8Array };

const iso = (ms: number) => new Date(ms).toISOString();
const span = (r: AnalyticsRange) => ({ from: iso(r.from), to: iso(r.to) });
const noFailures = () => Object.fromEntries(FAILURE_CATEGORIES.map((c) => [c, 0])) as Record<FailureCategory, number>;
const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole);

/**
 * What "sent" counts: the events the project accepted; for one endpoint, the deliveries to it
 * that made their first attempt (an accepted event is not yet any endpoint's).
 */
const sentOf = (h: HourCounts, oneEndpoint: boolean) => (oneEndpoint ? h.dispatched : h.accepted);

/** The range's hours summed into its buckets, every bucket present. */
function bucketed(r: AnalyticsRange, hours: readonly HourCounts[]) {
  return foldBuckets(r, hours, (): HourCounts[] => [], (acc, h) => { acc.push(h); }).map(({ start, acc }) => ({ start, hours: acc }));
}
const total = (hours: readonly HourCounts[], f: (h: HourCounts) => number) => hours.reduce((n, h) => n + f(h), 0);

/**
 * Top-line counts over the range. delivered and deadLettered count deliveries (one event to one
 * destination) by how they ended; failed counts failed attempts; successRate is the share of the
 * deliveries that ended which were delivered rather than dead-lettered (null when none ended).
 */
export function summaryReport(r: AnalyticsRange, hours: readonly HourCounts[], oneEndpoint: boolean) {
  const inRange = bucketed(r, hours).flatMap((b) => b.hours);
  const delivered = total(inRange, (h) => h.delivered);
  const deadLettered = total(inRange, (h) => h.dead);
  return {
    ...span(r), sent: total(inRange, (h) => sentOf(h, oneEndpoint)), delivered, failed: total(inRange, (h) => h.failed), deadLettered,
    successRate: ratio(delivered, delivered + deadLettered),
  };
}

/** Attempts per bucket by how each ended for its delivery. */
export function outcomesReport(r: AnalyticsRange, hours: readonly HourCounts[]) {
  return {
    ...span(r), granularity: r.granularity,
    buckets: bucketed(r, hours).map((b) => ({
      start: iso(b.start), delivered: total(b.hours, (h) => h.delivered), retried: total(b.hours, (h) => h.retried),
      dead: total(b.hours, (h) => h.dead), cancelled: total(b.hours, (h) => h.cancelled),
    })),
  };
}

/** Events sent per bucket, and per second of the bucket's hours in the range. */
export function throughputReport(r: AnalyticsRange, hours: readonly HourCounts[], oneEndpoint: boolean) {
  return {
    ...span(r), granularity: r.granularity,
    buckets: bucketed(r, hours).map((b) => {
      const events = total(b.hours, (h) => sentOf(h, oneEndpoint));
      return { start: iso(b.start), events, eventsPerSec: events / secondsCovered(r, b.start) };
    }),
  };
}

/** Failed attempts by category, over the range and per bucket. */
export function failuresReport(r: AnalyticsRange, hours: readonly HourCounts[]) {
  const buckets = bucketed(r, hours).map((b) => {
    const counts = noFailures();
    for (const h of b.hours) for (const c of FAILURE_CATEGORIES) counts[c] += h.failures[c];
    return { start: b.start, counts };
  });
  const totals = noFailures();
  for (const b of buckets) for (const c of FAILURE_CATEGORIES) totals[c] += b.counts[c];
  return { ...span(r), granularity: r.granularity, totals, buckets: buckets.map((b) => ({ start: iso(b.start), ...b.counts })) };
}

/** Attempt latency percentiles per bucket, from the hours' sketches merged. */
export function latencyReport(r: AnalyticsRange, sketches: readonly HourSketch[]) {
  return {
    ...span(r), granularity: r.granularity,
    // Each bucket's sketches merged at once (mergeSketches sums their bins; decoding and merging
    // one by one through the library fills a store bin by bin, for every sketch).
    buckets: foldBuckets(r, sketches, (): Uint8Array[] => [], (acc, h) => { acc.push(h.sketch); })
      .map(({ start, acc }) => ({ start: iso(start), ...percentilesOf(mergeSketches(acc)) })),
  };
}

/** An endpoint of the project, with its circuit and its latest attempts ever. */
export type EndpointHealthOf = {
  endpointId: string; url: string; circuitState: 'closed' | 'open' | 'half_open'; lastSuccessAt: number | null; lastFailureAt: number | null;
};
/** An endpoint's attempts in the range ('' for the direct destinations): delivered, failed, and its latency sketches (each part may hold several one after another). */
export type EndpointRange = { endpoint: string; delivered: number; failed: number; sketches: Uint8Array[] };

/**
 * Each endpoint's health: the share of its attempts in the range that succeeded (cancels are
 * not attempts at the receiver), its p95 attempt latency in the range, and, as of now, its
 * circuit and its latest success and failure. An endpoint with no attempts in the range has
 * no rate and no latency.
 */
export function healthReport(r: AnalyticsRange, endpoints: readonly EndpointHealthOf[], ranges: readonly EndpointRange[]) {
  const inRange = new Map(ranges.map((x) => [x.endpoint, x]));
  return {
    ...span(r),
    data: endpoints.map((e) => {
      const { delivered = 0, failed = 0, sketches = [] } = inRange.get(e.endpointId) ?? {};
      return {
        endpointId: e.endpointId, url: e.url, attempts: delivered + failed, deliveryRate: ratio(delivered, delivered + failed),
        p95LatencyMs: percentilesOf(mergeSketches(sketches)).p95, circuitState: e.circuitState,
        lastSuccessAt: e.lastSuccessAt === null ? null : iso(e.lastSuccessAt), lastFailureAt: e.lastFailureAt === null ? null : iso(e.lastFailureAt),
      };
    }),
  };
}
