import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApiContext } from '../platform/http/context.ts';
import { contract, type Operation } from '../platform/http/contract.ts';
import { monthOf } from './domain/quota.ts';
import { planOf } from './account-plan.ts';
import { usageCounter } from './quota.ts';
import { EgressIps, Entitlements } from './contract.ts';

const read: Operation['access'] = { scope: 'account:read', role: 'viewer' };
const op = (summary: string, description?: string): Operation => ({ tag: 'Plans', summary, access: read, description });

/** The caller's plan, limits and usage; the addresses deliveries leave from. */
export function planRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const counter = usageCounter(ctx);

  return async (app) => {
    app.addHook('onClose', async () => counter.stop());

    app.get('/entitlements', { schema: contract(op('The account\'s plan, its limits and this month\'s usage',
      'Usage counts the messages accepted this month (UTC), as the quota of POST /events sees them.'), { response: { 200: Entitlements } }) }, async (req) => {
      const { plan, limits } = planOf(ctx, req.principal.accountId);
      const month = monthOf(Date.now());
      const messages = await counter.used({ accountId: req.principal.accountId, month });
      const remaining = limits.monthlyMessages === null ? null : Math.max(0, limits.monthlyMessages - messages);
      return { plan, limits, usage: { month, messages, messagesRemaining: remaining } };
    });

    app.get('/egress-ips', { schema: contract(op('The addresses deliveries leave from (MITTR_EGRESS_IPS), for firewall allowlists'), { response: { 200: EgressIps } }) }, async () =>
      ({ ips: ctx.config.egressIps }));
  };
}
