/** A rule's alert state as its one evaluator keeps it (services/alerting/evaluator.ts). */
export type AlertStatus = {
  status: 'ok' | 'firing';
  /** The incident's key (PagerDuty's dedup_key): set when it fires, kept for its resolve. */
  dedupKey: string | null;
  /** When a notification last went out for the rule (fired or repeated), ms. */
  notifiedAt: number | null;
};
export const INITIAL_STATUS: AlertStatus = { status: 'ok', dedupKey: null, notifiedAt: null };

export type Step = { next: AlertStatus; emit: 'fire' | 'resolve' | null };

/**
 * The fire/resolve/cooldown state machine. Pure: given the rule's status, whether its condition
 * holds now (a window without data does not hold), the clock and the cooldown:
 * - ok and holding: fires, unless it fired within the cooldown (a flapping rule stays quiet);
 * - firing and holding: a repeat once the cooldown has passed since the last notification;
 * - firing and not holding: resolves, with the incident's dedup key.
 */
export function step(s: AlertStatus, c: { holds: boolean; now: number; cooldownMs: number; ruleId: string }): Step {
  const cooled = s.notifiedAt === null || c.now - s.notifiedAt >= c.cooldownMs;
  if (s.status === 'ok') {
    if (!c.holds || !cooled) return { next: s, emit: null };
    return { next: { status: 'firing', dedupKey: `mittr-${c.ruleId}-${c.now}`, notifiedAt: c.now }, emit: 'fire' };
  }
  if (!c.holds) return { next: { status: 'ok', dedupKey: null, notifiedAt: s.notifiedAt }, emit: 'resolve' };
  return cooled ? { next: { ...s, notifiedAt: c.now }, emit: 'fire' } : { next: s, emit: null };
}
