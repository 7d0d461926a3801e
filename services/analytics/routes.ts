import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { TSchema } from 'typebox';
import { endpointCounts, hourlyCounts, hourlySketches, type HoursQuery } from '../../projections/analytics/queries.ts';
import { contract, type Operation } from '../platform/http/contract.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { AnalyticsQuery, EndpointHealth, Failures, Latency, Outcomes, Summary, Throughput } from './contract.ts';
import { analyticsRange, type AnalyticsRange } from './domain/range.ts';
import { failuresReport, healthReport, latencyReport, outcomesReport, summaryReport, throughputReport } from './domain/reports.ts';

const op = (summary: string, description: string): Operation => ({ tag: 'Analytics', summary, description, access: { scope: 'analytics:read', role: 'viewer' } });
const schema = <T extends TSchema>(summary: string, description: string, answer: T) =>
  contract(op(summary, description), { querystring: AnalyticsQuery, response: { 200: answer } });

/**
 * GET /api/v1/analytics/*: aggregates of the caller's project over a time range, read from
 * hourly rows (projections/analytics), bucketed and merged by services/analytics/domain. Like
 * every read model they trail the log by the projector's lag.
 */
export function analyticsRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    /** The request's range (a 400 when it is not one) and the hours it reads. */
    const rangeOf = (q: { endpointId?: string; from?: string; to?: string }): [AnalyticsRange, HoursQuery] => {
      const r = analyticsRange(q, Date.now());
      return [r, { firstHour: r.firstHour, endHour: r.endHour, endpointId: q.endpointId }];
    };

    app.get('/analytics/summary', {
      schema: schema('Top-line counts over a range: sent, delivered, failed, dead-lettered', 'Deliveries are counted once, when they end; failures per attempt.', Summary),
    }, async (req) => {
      const [r, hours] = rangeOf(req.query);
      return summaryReport(r, await hourlyCounts(ctx.db, req.principal, hours), hours.endpointId !== undefined);
    });

    app.get('/analytics/outcomes', {
      schema: schema('Attempt outcomes per bucket (hourly up to 7 days, daily beyond)', 'Drives a stacked chart of delivered, retried and dead attempts.', Outcomes),
    }, async (req) => {
      const [r, hours] = rangeOf(req.query);
      return outcomesReport(r, await hourlyCounts(ctx.db, req.principal, hours));
    });

    app.get('/analytics/throughput', {
      schema: schema('Events sent per bucket, and per second', 'Accepted events (or, for one endpoint, deliveries started) per bucket.', Throughput),
    }, async (req) => {
      const [r, hours] = rangeOf(req.query);
      return throughputReport(r, await hourlyCounts(ctx.db, req.principal, hours), hours.endpointId !== undefined);
    });

    app.get('/analytics/latency', {
      schema: schema('Attempt latency percentiles (p50, p95, p99) per bucket', 'Merged from sketches kept per endpoint and hour; each percentile within 1 %.', Latency),
    }, async (req) => {
      const [r, hours] = rangeOf(req.query);
      return latencyReport(r, await hourlySketches(ctx.db, req.principal, hours));
    });

    app.get('/analytics/failures', {
      schema: schema('Failed attempts by category, over the range and per bucket', 'timeout, 4xx, 5xx, dns, tls, refused, reset, blocked, transform, other.', Failures),
    }, async (req) => {
      const [r, hours] = rangeOf(req.query);
      return failuresReport(r, await hourlyCounts(ctx.db, req.principal, hours));
    });

    app.get('/analytics/endpoint-health', {
      schema: schema('Each endpoint\'s health: delivery rate, p95 latency, circuit, latest success and failure', 'Rates and latency over the range; circuit and latest attempts as of now.', EndpointHealth),
    }, async (req) => {
      const [r, hours] = rangeOf(req.query);
      const [endpoints, sketches] = await Promise.all([endpointCounts(ctx.db, req.principal, hours), hourlySketches(ctx.db, req.principal, hours)]);
      return healthReport(r, endpoints, sketches);
    });
  };
}
