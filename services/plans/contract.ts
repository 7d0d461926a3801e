import { Type } from 'typebox';
import { Nullable } from '../platform/http/contract.ts';

/** The plans room's HTTP contract: what its routes answer. */

const Limit = (description: string) => Nullable(Type.Integer({ minimum: 0, description: `${description}; null: unlimited` }));

/** A plan's limits (services/plans/domain/catalog.ts). */
export const Limits = Type.Object({
  monthlyMessages: Limit('Messages accepted per calendar month (UTC)'),
  endpointRateLimitPerSec: Limit('The most an endpoint\'s rateLimitPerSec may be'),
  apiRequestsPerMinute: Limit('API requests per minute'),
  connectors: Limit('Connectors'),
  teamSeats: Limit('Team members'),
  projects: Limit('Projects'),
  sso: Type.Boolean({ description: 'Single sign-on' }),
  scim: Type.Boolean({ description: 'SCIM provisioning' }),
});

export const Entitlements = Type.Object({
  plan: Type.String({ description: 'free, growth, scale, enterprise or self-hosted' }),
  limits: Limits,
  usage: Type.Object({
    month: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}$', description: 'The calendar month (UTC), YYYY-MM' }),
    messages: Type.Integer({ minimum: 0, description: 'Messages accepted this month' }),
    messagesRemaining: Nullable(Type.Integer({ minimum: 0, description: 'Messages left this month; null: unlimited' })),
  }),
});

export const EgressIps = Type.Object({
  ips: Type.Array(Type.String(), { description: 'The addresses deliveries leave from, to allow in a firewall; empty: not published by this deployment' }),
});

/** One calendar month (UTC) of the workspace's usage (services/plans/domain/usage.ts). */
export const UsageMonth = Type.Object({
  month: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}$', description: 'The calendar month (UTC), YYYY-MM' }),
  messages: Type.Integer({ minimum: 0, description: 'Messages accepted in the month (one per event sent, as the quota counts them)' }),
  deliveryAttempts: Type.Integer({ minimum: 0, description: 'Delivery attempts made in the month, retries included, as the events\' attempt histories list them' }),
  limit: Type.Object({ monthlyMessages: Limit('Messages the plan allows per month') }, { description: 'The plan\'s limits that apply to the month (the current plan\'s)' }),
});

export const UsageHistory = Type.Object({
  data: Type.Array(UsageMonth, { description: 'The months asked for, newest (the current one) first; a month with no use is there with zeros' }),
});
