import { describe, expect, it } from 'vitest';
import type { AccountCreated } from '../accounts/domain/messages.ts';
import { AccountsState } from '../accounts/state.ts';
import { planOf } from './account-plan.ts';

const opened = (accountId: string, ownerUserId: string | null): AccountCreated => ({
  type: 'AccountCreated', accountId, email: `${accountId}@x.io`, companyName: '', passwordHash: 'h', signingSecretEnc: 's',
  projectId: `${accountId}-p`, plan: 'free', createdAt: 0, ownerUserId,
});

describe('planOf', () => {
  const accounts = new AccountsState('accounts');
  accounts.apply(opened('old', null));
  accounts.apply(opened('new', 'u1'));
  const ctx = (signupPlan: string) => ({ store: { state: { accounts } }, config: { signupPlan } }) as never;

  it('given an account opened before plans were recorded, then it is on the deployment\'s signup plan, not the free its record names', () => {
    expect(planOf(ctx('self-hosted'), 'old')).toMatchObject({ plan: 'self-hosted', limits: { monthlyMessages: null } });
    expect(planOf(ctx('growth'), 'old').plan).toBe('growth');
  });
  it('given an account opened since, then its recorded plan', () => {
    expect(planOf(ctx('self-hosted'), 'new')).toMatchObject({ plan: 'free', limits: { monthlyMessages: 10_000 } });
  });
});
