import { DomainError } from '../../platform/domain/errors.ts';

export const METRICS = ['failure_rate', 'success_rate', 'latency', 'queue_depth', 'error_count', 'delivery_count'] as const;
export type Metric = (typeof METRICS)[number];
export const OPERATORS = ['gt', 'gte', 'lt', 'lte', 'eq', 'ne'] as const;
export type Operator = (typeof OPERATORS)[number];
export const PERCENTILES = [50, 95, 99] as const;

/** The window bounds: a minute is the finest the evaluator's pace answers, a day the most delivery_attempts is read over. */
export const MIN_WINDOW_MS = 60_000;
export const MAX_WINDOW_MS = 24 * 3_600_000;

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const SYMBOLS: Record<string, Operator> = { '>': 'gt', '>=': 'gte', '<': 'lt', '<=': 'lte', '==': 'eq', '=': 'eq', '!=': 'ne' };

/** "5m", "1h", "90s" as milliseconds; null for anything else. */
export function parseDuration(s: string): number | null {
  const m = /^\s*(\d{1,6})\s*([smhd])\s*$/.exec(s);
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : null;
}

export const isRate = (m: Metric) => m === 'failure_rate' || m === 'success_rate';

/** `latency`, `latency_p95`, `p99_latency` as the metric and its percentile (latency alone: p95). */
function metricOf(word: string): { metric: Metric; percentile: number | null } | null {
  const lat = /^(?:latency(?:_p(\d\d))?|p(\d\d)_latency)$/.exec(word);
  if (lat) {
    const p = Number(lat[1] ?? lat[2] ?? 95);
    return (PERCENTILES as readonly number[]).includes(p) ? { metric: 'latency', percentile: p } : null;
  }
  return (METRICS as readonly string[]).includes(word) ? { metric: word as Metric, percentile: null } : null;
}

export type ParsedCondition = { metric: Metric; operator: Operator; value: number; percentile: number | null };

/**
 * 000's condition string: `failure_rate > 10%`, `latency_p99 >= 2000`, `error_count != 0`.
 * A rate's threshold is a fraction (10% is 0.1; a bare number is read as a fraction too).
 * Throws VALIDATION_ERROR for what it cannot read.
 */
export function parseCondition(text: string): ParsedCondition {
  const m = /^\s*([a-z0-9_]+)\s*(>=|<=|==|!=|>|<|=)\s*(-?\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text);
  const metric = m ? metricOf(m[1]!) : null;
  if (!m || !metric) {
    throw new DomainError('VALIDATION_ERROR', `condition must read "<metric> <op> <number>[%]" with a metric of ${METRICS.join(', ')} (latency as latency_p50/p95/p99) and op one of > >= < <= == !=`);
  }
  const raw = Number(m[3]);
  const percent = m[4] === '%';
  if (percent && !isRate(metric.metric)) throw new DomainError('VALIDATION_ERROR', `a % threshold is for failure_rate and success_rate, not ${metric.metric}`);
  return { ...metric, operator: SYMBOLS[m[2]!]!, value: percent ? raw / 100 : raw };
}

/** Whether `value` stands in `op` to `threshold`. */
export function holds(value: number, op: Operator, threshold: number): boolean {
  switch (op) {
    case 'gt': return value > threshold;
    case 'gte': return value >= threshold;
    case 'lt': return value < threshold;
    case 'lte': return value <= threshold;
    case 'eq': return value === threshold;
    case 'ne': return value !== threshold;
  }
}
