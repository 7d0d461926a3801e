import { describe, expect, it } from 'vitest';
import { decideReservation } from './idempotency.ts';

describe('decideReservation', () => {
  it('given no key taken, when deciding, then the events go on to be appended', () => {
    expect(decideReservation([])).toEqual({ kind: 'reserved' });
  });
  it('given a key held by an event still being written, when deciding, then the caller retries shortly', () => {
    const taken = [{ key: 'a', eventId: 'e1', settled: true }, { key: 'b', eventId: 'e2', settled: false }];
    expect(decideReservation(taken)).toEqual({ kind: 'unsettled' });
  });
  it('given keys held by written events, when deciding, then it is a conflict naming each', () => {
    const taken = [{ key: 'a', eventId: 'e1', settled: true }, { key: 'b', eventId: 'e2', settled: true }];
    expect(decideReservation(taken)).toEqual({ kind: 'taken', taken });
  });
});
