import { usageSnapshot } from '../../projections/usage/queries.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { planOf } from './account-plan.ts';
import { decideQuota, monthOf } from './domain/quota.ts';
import { NO_TICKET, UsageCounter, type Ticket } from './usage-counter.ts';

const counters = new WeakMap<ApiContext, UsageCounter>();

/** This API process's usage counter (one per process, shared by its routes). */
export function usageCounter(ctx: ApiContext): UsageCounter {
  let c = counters.get(ctx);
  if (!c) {
    c = new UsageCounter({
      load: (keys) => usageSnapshot(ctx.db, ctx.topics.events, keys),
      onError: (err) => console.error(`mittr api: could not refresh usage counts: ${String(err)}`),
    });
    counters.set(ctx, c);
  }
  return c;
}

/**
 * The monthly message quota of POST /events and /events/batch: takes the request's messages from
 * the account's month, or throws QUOTA_EXCEEDED (402) before anything is reserved. An unlimited
 * plan takes nothing (and costs nothing on the hot path).
 */
export function monthlyQuota(ctx: ApiContext) {
  const counter = usageCounter(ctx);
  return {
    take(accountId: string, events: ReadonlyArray<{ createdAt: number }>): Promise<Ticket> | Ticket {
      const { limits } = planOf(ctx, accountId);
      if (limits.monthlyMessages === null || events.length === 0) return NO_TICKET;
      const n = events.length;
      return counter.take({ accountId, month: monthOf(events[0]!.createdAt) }, n, (used) => decideQuota(limits, used, n));
    },
  };
}
