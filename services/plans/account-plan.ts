import { DEPLOYMENT_PLAN } from '../accounts/state.ts';
import { entitledPlan } from '../billing/domain/evolve.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { limitsOf, type PlanLimits } from './domain/catalog.ts';

/**
 * The plan an account is on and its limits, as this process's configuration knows them: its
 * billing subscription's plan while one entitles it (services/billing, the moment a change is
 * recorded, and a cancellation's end or a scheduled change's date even before the renewal is),
 * else the plan its AccountCreated records.
 */
export function planOf(ctx: ApiContext, accountId: string, now = Date.now()): { plan: string; limits: Readonly<PlanLimits> } {
  const subscribed = entitledPlan(ctx.store.state.billing?.get(accountId), now);
  if (subscribed !== null) return { plan: subscribed, limits: limitsOf(subscribed) };
  const recorded = ctx.store.state.accounts.get(accountId)?.plan;
  // Accounts opened before plans were recorded are on the deployment's plan (accounts/state.ts).
  const plan = recorded === undefined ? '' : recorded === DEPLOYMENT_PLAN ? ctx.config.signupPlan : recorded;
  return { plan, limits: limitsOf(plan) };
}
