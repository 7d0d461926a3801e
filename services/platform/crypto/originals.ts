/**
 * The values of a decoded record's sealed fields as the log holds them, kept beside the record
 * whose fields the serde opened (services/data-keys/fields.ts): read models store these, and a
 * record set aside is written with them, so neither Postgres nor the set-aside topic gets the
 * fields in clear.
 */
const originals = new WeakMap<object, Record<string, unknown>>();

export function keepSealed(event: object, sealed: Record<string, unknown>): void {
  originals.set(event, sealed);
}

/** A decoded record's field as it is on the log, still sealed (a record decoded without a cipher: its own value). */
export function sealedOf<E extends object, K extends keyof E>(event: E, field: K): E[K] {
  const o = originals.get(event);
  return (o && field in o ? o[field as string] : event[field]) as E[K];
}

/** The record with its sealed fields as the log holds them (a copy when any were opened). */
export function asOnTheLog<E extends object>(event: E): E {
  const o = originals.get(event);
  return o ? { ...event, ...o } : event;
}
