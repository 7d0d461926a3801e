/** An idempotency key already held by another event, and whether that event is in the log. */
export type TakenKey = { key: string; eventId: string; settled: boolean };

/**
 * What a send does with the keys its events could not reserve: none taken, go on and append; a
 * key held by an event still being written answers "retry shortly" (503), never a 409 naming an
 * event that may yet not exist; keys held by written events are a conflict naming them.
 */
export type Reservation = { kind: 'reserved' } | { kind: 'unsettled' } | { kind: 'taken'; taken: readonly TakenKey[] };

export function decideReservation(taken: readonly TakenKey[]): Reservation {
  if (taken.length === 0) return { kind: 'reserved' };
  if (taken.some((t) => !t.settled)) return { kind: 'unsettled' };
  return { kind: 'taken', taken };
}
