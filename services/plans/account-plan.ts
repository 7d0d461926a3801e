import { DEPLOYMENT_PLAN } from '../accounts/state.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { limitsOf, type PlanLimits } from './domain/catalog.ts';

/** The plan an account is on and its limits, as this process's configuration knows them (AccountCreated). */
export function planOf(ctx: ApiContext, accountId: string): { plan: string; limits: Readonly<PlanLimits> } {
  const recorded = ctx.store.state.accounts.get(accountId)?.plan;
  // Accounts opened before plans were recorded are on the deployment's plan (accounts/state.ts).
  const plan = recorded === undefined ? '' : recorded === DEPLOYMENT_PLAN ? ctx.config.signupPlan : recorded;
  return { plan, limits: limitsOf(plan) };
}
