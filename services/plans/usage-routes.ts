import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { usageMonths } from '../../projections/usage/queries.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { contract, type Operation } from '../platform/http/contract.ts';
import { planOf } from './account-plan.ts';
import { recentMonths, usageReport, type MonthUsage } from './domain/usage.ts';
import { usageCounter } from './quota.ts';
import { UsageHistory, UsageMonth } from './contract.ts';

const read: Operation['access'] = { scope: 'usage:read', role: 'viewer' };
const WHOLE = 'Usage is the workspace\'s, every project\'s together (the plan and its quota are the workspace\'s). '
  + 'The current month\'s messages are those the quota of POST /events sees (GET /entitlements); delivery attempts are counted from the log as they are projected.';
const op = (summary: string): Operation => ({ tag: 'Plans', summary, access: read, description: WHOLE });

const HistoryQuery = Type.Object({
  months: Type.Optional(Type.Integer({ minimum: 1, maximum: 24, description: 'How many calendar months, the current one included; 6 by default' })),
});

/** GET /usage/current and /usage/history: messages and delivery attempts per calendar month (UTC). */
export function usageRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const counter = usageCounter(ctx);

  /** The last `n` months of the account, newest first; the current one's messages as the quota counts them. */
  async function usage(accountId: string, n: number): Promise<MonthUsage[]> {
    const months = recentMonths(Date.now(), n);
    const [counted, messages] = await Promise.all([
      usageMonths(ctx.db, accountId, months.at(-1)!),
      counter.used({ accountId, month: months[0]! }),
    ]);
    counted.set(months[0]!, { messages, deliveryAttempts: counted.get(months[0]!)?.deliveryAttempts ?? 0 });
    return usageReport(months, counted, planOf(ctx, accountId).limits);
  }

  return async (app) => {
    app.get('/usage/current', { schema: contract(op('This calendar month\'s usage: messages and delivery attempts, under the plan\'s limit'), { response: { 200: UsageMonth } }) },
      async (req) => (await usage(req.principal.accountId, 1))[0]!);

    app.get('/usage/history', {
      schema: contract(op('Usage per calendar month (UTC), newest first, months of no use included'), { querystring: HistoryQuery, response: { 200: UsageHistory } }),
    }, async (req) => ({ data: await usage(req.principal.accountId, req.query.months ?? 6) }));
  };
}
