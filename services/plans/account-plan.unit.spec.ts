import { describe, expect, it } from 'vitest';
import type { AccountCreated } from '../accounts/domain/messages.ts';
import { AccountsState } from '../accounts/state.ts';
import { BillingState } from '../billing/state.ts';
import { planOf } from './account-plan.ts';

const opened = (accountId: string, ownerUserId: string | null): AccountCreated => ({
  type: 'AccountCreated', accountId, email: `${accountId}@x.io`, companyName: '', passwordHash: 'h', signingSecretEnc: 's',
  projectId: `${accountId}-p`, plan: 'free', createdAt: 0, ownerUserId,
});

describe('planOf', () => {
  const accounts = new AccountsState('accounts');
  accounts.apply(opened('old', null));
  accounts.apply(opened('new', 'u1'));
  const billing = new BillingState('billing');
  const ctx = (signupPlan: string) => ({ store: { state: { accounts, billing } }, config: { signupPlan } }) as never;

  it('given an account opened before plans were recorded, then it is on the deployment\'s signup plan, not the free its record names', () => {
    expect(planOf(ctx('self-hosted'), 'old')).toMatchObject({ plan: 'self-hosted', limits: { monthlyMessages: null } });
    expect(planOf(ctx('growth'), 'old').plan).toBe('growth');
  });
  it('given an account opened since, then its recorded plan', () => {
    expect(planOf(ctx('self-hosted'), 'new')).toMatchObject({ plan: 'free', limits: { monthlyMessages: 10_000 } });
  });
  it('given a subscription, then its plan while it entitles, and the recorded plan once a cancellation has taken effect', () => {
    const start = Date.parse('2026-04-01T00:00:00Z');
    const end = Date.parse('2026-05-01T00:00:00Z');
    billing.apply({ type: 'SubscriptionStarted', accountId: 'new', provider: 'none', customerId: null, subscriptionId: null, planId: 'scale', cycle: 'monthly',
      periodStart: start, periodEnd: end, version: 1, at: start, providerEventId: null });
    expect(planOf(ctx('self-hosted'), 'new', start + 1)).toMatchObject({ plan: 'scale', limits: { scim: true } });
    billing.apply({ type: 'SubscriptionCancelScheduled', accountId: 'new', version: 2, at: start + 2, providerEventId: null });
    expect(planOf(ctx('self-hosted'), 'new', end - 1).plan).toBe('scale');
    expect(planOf(ctx('self-hosted'), 'new', end).plan).toBe('free');
  });
});
