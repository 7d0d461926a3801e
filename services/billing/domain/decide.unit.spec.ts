import { describe, expect, it } from 'vitest';
import { DomainError } from '../../platform/domain/errors.ts';
import { decide, type SubscriptionCommand } from './decide.ts';
import { evolve, type SubscriptionState } from './evolve.ts';
import type { SubscriptionEvent } from './messages.ts';

const at = (iso: string) => Date.parse(iso);
const T0 = at('2026-04-01T00:00:00Z');
const MID = at('2026-04-16T00:00:00Z');
const fold = (events: SubscriptionEvent[]) => events.reduce<SubscriptionState | undefined>(evolve, undefined);
/** given events, when command at a time, then events or an error code */
const when = (given: SubscriptionEvent[], cmd: SubscriptionCommand, now = MID) => {
  try { return decide(fold(given), cmd, now); } catch (err) {
    if (err instanceof DomainError) return { code: err.code };
    throw err;
  }
};
const change = (planId: 'free' | 'growth' | 'scale' | 'enterprise', cycle: 'monthly' | 'annual' = 'monthly'): SubscriptionCommand =>
  ({ type: 'Change', accountId: 'a', provider: 'none', planId, cycle });
const started = decide(undefined, change('growth'), T0);
const then = (given: SubscriptionEvent[], cmd: SubscriptionCommand, now = MID) => [...given, ...(when(given, cmd, now) as SubscriptionEvent[])];

describe('subscription decider', () => {
  it('given nothing, when a plan is chosen, then a subscription starts with a period of one cycle', () => {
    expect(started).toEqual([{ type: 'SubscriptionStarted', accountId: 'a', provider: 'none', customerId: null, subscriptionId: null, planId: 'growth', cycle: 'monthly',
      periodStart: T0, periodEnd: at('2026-05-01T00:00:00Z'), version: 1, at: T0, providerEventId: null }]);
  });
  it('given a plan not sold self-serve, or free, when chosen, then VALIDATION_ERROR', () => {
    expect(when([], change('enterprise'))).toEqual({ code: 'VALIDATION_ERROR' });
    expect(when(started, change('free'))).toEqual({ code: 'VALIDATION_ERROR' });
  });
  it('given nothing and a paid provider, when a plan is chosen, then INVALID_STATE: its checkout starts a subscription', () => {
    expect(when([], { ...change('growth'), provider: 'stripe' } as SubscriptionCommand)).toEqual({ code: 'INVALID_STATE' });
  });
  it('given growth monthly, when upgraded to scale, then the plan changes now and the renewal date is kept', () => {
    expect(when(started, change('scale'))).toEqual([{ type: 'SubscriptionPlanChanged', accountId: 'a', planId: 'scale', cycle: 'monthly',
      periodStart: T0, periodEnd: at('2026-05-01T00:00:00Z'), version: 2, at: MID, providerEventId: null }]);
  });
  it('given growth monthly, when switched to annual, then now, with a new year from today', () => {
    expect(when(started, change('growth', 'annual'))).toMatchObject([{ type: 'SubscriptionPlanChanged', cycle: 'annual',
      periodStart: MID, periodEnd: at('2027-04-16T00:00:00Z') }]);
  });
  it('given scale monthly, when downgraded to growth, then a change scheduled for renewal and the plan kept until then', () => {
    const scale = decide(undefined, change('scale'), T0);
    const after = then(scale, change('growth'));
    expect(after.at(-1)).toMatchObject({ type: 'SubscriptionChangeScheduled', planId: 'growth', effectiveAt: at('2026-05-01T00:00:00Z') });
    expect(fold(after)).toMatchObject({ planId: 'scale', scheduledChange: { planId: 'growth', cycle: 'monthly' } });
    expect(when(after, change('growth'))).toEqual([]);
  });
  it('given annual growth, when switched to monthly, then scheduled at renewal; at renewal the monthly plan starts', () => {
    const yearly = decide(undefined, change('growth', 'annual'), T0);
    const scheduled = then(yearly, change('growth', 'monthly'));
    expect(scheduled.at(-1)).toMatchObject({ type: 'SubscriptionChangeScheduled', cycle: 'monthly', effectiveAt: at('2027-04-01T00:00:00Z') });
    expect(when(scheduled, { type: 'Renew' }, at('2026-12-01T00:00:00Z'))).toEqual([]);
    const renewed = then(scheduled, { type: 'Renew' }, at('2027-04-01T00:00:00Z'));
    expect(fold(renewed)).toMatchObject({ planId: 'growth', cycle: 'monthly', periodStart: at('2027-04-01T00:00:00Z'),
      periodEnd: at('2027-05-01T00:00:00Z'), scheduledChange: null });
  });
  it('given a scheduled change, when undone, then the plan renews as it is; with none, NOT_FOUND', () => {
    const scheduled = then(decide(undefined, change('scale'), T0), change('growth'));
    const undone = then(scheduled, { type: 'UndoScheduledChange' });
    expect(undone.at(-1)).toMatchObject({ type: 'SubscriptionScheduledChangeCanceled' });
    expect(fold(undone)?.scheduledChange).toBeNull();
    expect(when(undone, { type: 'UndoScheduledChange' })).toEqual({ code: 'NOT_FOUND' });
    expect(fold(then(undone, { type: 'Renew' }, at('2026-05-01T00:00:00Z')))).toMatchObject({ planId: 'scale' });
  });
  it('given a scheduled change, when the current plan is chosen again, then the scheduled change is undone', () => {
    const scheduled = then(decide(undefined, change('scale'), T0), change('growth'));
    expect(when(scheduled, change('scale'))).toMatchObject([{ type: 'SubscriptionScheduledChangeCanceled' }]);
    expect(when(started, change('growth'))).toEqual([]);
  });
  it('given a subscription, when cancelled, then at period end: kept until then, ended at renewal onto free', () => {
    const cancelled = then(started, { type: 'Cancel' });
    expect(fold(cancelled)).toMatchObject({ cancelAtPeriodEnd: true, periodEnd: at('2026-05-01T00:00:00Z'), planId: 'growth' });
    expect(when(cancelled, { type: 'Cancel' })).toEqual([]);
    expect(when(cancelled, change('scale'))).toEqual({ code: 'INVALID_STATE' });
    expect(fold(then(cancelled, { type: 'Renew' }, at('2026-05-01T00:00:00Z')))).toMatchObject({ planId: 'free', ended: true });
  });
  it('given a cancelled subscription, when resumed before the end, then it renews; resume of an active one is INVALID_STATE', () => {
    const resumed = then(then(started, { type: 'Cancel' }), { type: 'Resume' });
    expect(fold(resumed)).toMatchObject({ cancelAtPeriodEnd: false });
    expect(when(resumed, { type: 'Resume' })).toEqual({ code: 'INVALID_STATE' });
    expect(when(resumed, { type: 'Renew' }, at('2026-05-01T00:00:00Z'))).toMatchObject([{ type: 'SubscriptionRenewed', planId: 'growth',
      periodStart: at('2026-05-01T00:00:00Z'), periodEnd: at('2026-06-01T00:00:00Z') }]);
  });
  it('given nothing or an ended subscription, when cancelled, resumed or undone, then NOT_FOUND', () => {
    const ended = then(then(started, { type: 'Cancel' }), { type: 'Renew' }, at('2026-05-01T00:00:00Z'));
    for (const type of ['Cancel', 'Resume', 'UndoScheduledChange'] as const) {
      expect(when([], { type })).toEqual({ code: 'NOT_FOUND' });
      expect(when(ended, { type })).toEqual({ code: 'NOT_FOUND' });
    }
  });
  it('given a provider\'s subscription past its end, when the clock renews, then nothing: its webhook renews it', () => {
    const stripe = started.map((e) => ({ ...e, provider: 'stripe' })) as SubscriptionEvent[];
    expect(when(stripe, { type: 'Renew' }, at('2026-05-02T00:00:00Z'))).toEqual([]);
  });
  it('given an ended subscription, when a plan is chosen, then it starts again with the next version', () => {
    const ended = then(then(started, { type: 'Cancel' }), { type: 'Renew' }, at('2026-05-01T00:00:00Z'));
    expect(when(ended, change('scale'), at('2026-06-01T00:00:00Z'))).toMatchObject([{ type: 'SubscriptionStarted', planId: 'scale', version: 4 }]);
  });
});
