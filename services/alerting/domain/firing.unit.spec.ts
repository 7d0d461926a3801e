import { describe, expect, it } from 'vitest';
import { INITIAL_STATUS, step } from './firing.ts';

const COOLDOWN = 15 * 60_000;
const at = (now: number, h: boolean) => ({ holds: h, now, cooldownMs: COOLDOWN, ruleId: 'r1' });

describe('the fire/resolve/cooldown state machine', () => {
  it('given an ok rule, when its condition holds, then it fires with a new dedup key', () => {
    expect(step(INITIAL_STATUS, at(1_000, true))).toEqual({ next: { status: 'firing', dedupKey: 'mittr-r1-1000', notifiedAt: 1_000 }, emit: 'fire' });
  });
  it('given an ok rule, when its condition does not hold, then nothing', () => {
    expect(step(INITIAL_STATUS, at(1_000, false))).toEqual({ next: INITIAL_STATUS, emit: null });
  });
  it('given a firing rule, when it still holds within the cooldown, then no repeat', () => {
    const firing = step(INITIAL_STATUS, at(1_000, true)).next;
    expect(step(firing, at(1_000 + COOLDOWN - 1, true))).toEqual({ next: firing, emit: null });
  });
  it('given a firing rule, when it still holds after the cooldown, then a repeat with the same dedup key', () => {
    const firing = step(INITIAL_STATUS, at(1_000, true)).next;
    expect(step(firing, at(1_000 + COOLDOWN, true))).toEqual({ next: { ...firing, notifiedAt: 1_000 + COOLDOWN }, emit: 'fire' });
  });
  it('given a firing rule, when it stops holding, then it resolves and the key is given up', () => {
    const firing = step(INITIAL_STATUS, at(1_000, true)).next;
    expect(step(firing, at(5_000, false))).toEqual({ next: { status: 'ok', dedupKey: null, notifiedAt: 1_000 }, emit: 'resolve' });
  });
  it('given a resolved rule, when it holds again within the cooldown, then it stays quiet; after it, it fires anew', () => {
    const resolved = step(step(INITIAL_STATUS, at(1_000, true)).next, at(5_000, false)).next;
    expect(step(resolved, at(6_000, true)).emit).toBeNull();
    expect(step(resolved, at(1_000 + COOLDOWN, true))).toMatchObject({ emit: 'fire', next: { dedupKey: `mittr-r1-${1_000 + COOLDOWN}` } });
  });
});
