/**
 * An endpoint's circuit breaker: `threshold` consecutive failures open it for `resetMs`; while
 * open nothing is sent and no attempt is burned; then it lets one probe through (half-open):
 * a success closes it, a failure opens it again. Pure: the clock comes in.
 */
export type CircuitState = 'closed' | 'open' | 'half_open';
export type Breaker = { state: CircuitState; failures: number; openUntil: number | null; probing: boolean };
export type BreakerSettings = { threshold: number; resetMs: number };

export const CLOSED: Breaker = { state: 'closed', failures: 0, openUntil: null, probing: false };

/** May an attempt go now? Moves open → half-open when the reset interval has passed (one probe). */
export function admit(b: Breaker, s: BreakerSettings, now: number): { allowed: boolean; next: Breaker } {
  if (s.threshold <= 0 || b.state === 'closed') return { allowed: true, next: b };
  if (b.state === 'open' && b.openUntil !== null && now < b.openUntil) return { allowed: false, next: b };
  if (b.probing) return { allowed: false, next: b };
  return { allowed: true, next: { ...b, state: 'half_open', probing: true } };
}

/** Folds an attempt's result in. */
export function record(b: Breaker, s: BreakerSettings, ok: boolean, now: number): Breaker {
  if (ok) return CLOSED;
  const failures = b.failures + 1;
  if (s.threshold > 0 && (b.state === 'half_open' || failures >= s.threshold)) {
    return { state: 'open', failures, openUntil: now + s.resetMs, probing: false };
  }
  return { ...b, failures, probing: false };
}
