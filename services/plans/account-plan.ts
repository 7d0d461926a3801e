import type { ApiContext } from '../platform/http/context.ts';
import { limitsOf, type PlanLimits } from './domain/catalog.ts';

/** The plan an account is on and its limits, as this process's configuration knows them (AccountCreated). */
export function planOf(ctx: ApiContext, accountId: string): { plan: string; limits: Readonly<PlanLimits> } {
  const plan = ctx.store.state.accounts.get(accountId)?.plan ?? '';
  return { plan, limits: limitsOf(plan) };
}
