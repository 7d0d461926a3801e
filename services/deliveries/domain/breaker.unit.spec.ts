import { describe, expect, it } from 'vitest';
import { admit, CLOSED, record, type Breaker } from './breaker.ts';

const s = { threshold: 3, resetMs: 1_000 };
const fail = (b: Breaker, t = 0) => record(b, s, false, t);

describe('circuit breaker', () => {
  it('given fewer failures than the threshold, then it stays closed and admits', () => {
    const b = fail(fail(CLOSED));
    expect(b.state).toBe('closed');
    expect(admit(b, s, 0).allowed).toBe(true);
  });
  it('given threshold consecutive failures, then it opens and admits nothing until reset', () => {
    const b = fail(fail(fail(CLOSED, 10), 10), 10);
    expect(b).toMatchObject({ state: 'open', openUntil: 1_010 });
    expect(admit(b, s, 500).allowed).toBe(false);
  });
  it('given an open breaker past its reset, then exactly one probe goes through', () => {
    const open = fail(fail(fail(CLOSED)));
    const first = admit(open, s, 1_001);
    expect(first).toMatchObject({ allowed: true, next: { state: 'half_open', probing: true } });
    expect(admit(first.next, s, 1_002).allowed).toBe(false);
  });
  it('given a half-open probe, when it succeeds then closed; when it fails then open again', () => {
    const probing = admit(fail(fail(fail(CLOSED))), s, 1_001).next;
    expect(record(probing, s, true, 1_100)).toEqual(CLOSED);
    expect(record(probing, s, false, 1_100)).toMatchObject({ state: 'open', openUntil: 2_100 });
  });
  it('given a success between failures, then the count restarts', () => {
    expect(fail(record(fail(fail(CLOSED)), s, true, 0)).state).toBe('closed');
  });
  it('given threshold 0, then the breaker is off', () => {
    const off = { threshold: 0, resetMs: 1 };
    let b = CLOSED;
    for (let i = 0; i < 10; i++) b = record(b, off, false, 0);
    expect(admit(b, off, 0).allowed).toBe(true);
  });
});
