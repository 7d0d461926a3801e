import { DomainError } from '../../platform/domain/errors.ts';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** The longest range a query may span. */
export const MAX_RANGE_MS = 366 * DAY_MS;
/** Ranges up to this long are bucketed by hour, longer ones by day (002: "by hour up to 7 days"). */
const HOURLY_UP_TO_MS = 7 * DAY_MS;

export type Granularity = 'hour' | 'day';

/**
 * A query's time range. The read model counts per UTC hour, so a range covers every hour it
 * overlaps: [firstHour, endHour) is those hours, from the hour holding `from` to the end of the
 * hour holding `to` (an hour starting exactly at `to` is not in it).
 */
export type AnalyticsRange = { from: number; to: number; granularity: Granularity; firstHour: number; endHour: number };

const floorTo = (ms: number, step: number) => Math.floor(ms / step) * step;
const stepOf = (g: Granularity) => (g === 'hour' ? HOUR_MS : DAY_MS);

/**
 * The range of `?from=&to=` (RFC 3339, already checked as such by the route's schema): `to`
 * defaults to now and `from` to 24 hours before `to`. Pure; throws VALIDATION_ERROR for a range
 * that ends before it starts or spans more than 366 days.
 */
export function analyticsRange(q: { from?: string; to?: string }, now: number): AnalyticsRange {
  const to = q.to === undefined ? now : Date.parse(q.to);
  const from = q.from === undefined ? to - DAY_MS : Date.parse(q.from);
  if (Number.isNaN(from) || Number.isNaN(to)) throw new DomainError('VALIDATION_ERROR', 'from and to must be RFC 3339 date-times');
  if (from > to) throw new DomainError('VALIDATION_ERROR', 'from must not be after to');
  if (to - from > MAX_RANGE_MS) throw new DomainError('VALIDATION_ERROR', 'the range from..to must not span more than 366 days');
  return {
    from, to, granularity: to - from <= HOURLY_UP_TO_MS ? 'hour' : 'day',
    firstHour: floorTo(from, HOUR_MS), endHour: Math.ceil(to / HOUR_MS) * HOUR_MS,
  };
}

/** The start (epoch ms, UTC) of every bucket of the range, in order: each is present, even when nothing happened in it. */
export function bucketStarts(r: AnalyticsRange): number[] {
  const step = stepOf(r.granularity);
  const starts: number[] = [];
  for (let s = floorTo(r.firstHour, step); s < r.endHour; s += step) starts.push(s);
  return starts;
}

/** The start of the bucket an hour of the read model falls in. */
export const bucketOf = (r: AnalyticsRange, hour: number) => floorTo(hour, stepOf(r.granularity));

/** Seconds of the bucket that the range covers (its hours in [firstHour, endHour)): what a rate per second divides by. */
export function secondsCovered(r: AnalyticsRange, start: number): number {
  return (Math.min(start + stepOf(r.granularity), r.endHour) - Math.max(start, r.firstHour)) / 1000;
}

/**
 * Hourly values folded into the range's buckets: one accumulator per bucket (zero-filled), and
 * each hour added to the bucket holding it. Hours outside the range are ignored.
 */
export function foldBuckets<H extends { hour: number }, A>(r: AnalyticsRange, hours: Iterable<H>, zero: () => A, add: (acc: A, h: H) => void): Array<{ start: number; acc: A }> {
  const buckets = new Map(bucketStarts(r).map((s) => [s, zero()]));
  for (const h of hours) {
    if (h.hour < r.firstHour || h.hour >= r.endHour) continue;
    const acc = buckets.get(bucketOf(r, h.hour));
    if (acc !== undefined) add(acc, h);
  }
  return [...buckets].map(([start, acc]) => ({ start, acc }));
}
