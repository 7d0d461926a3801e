import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Static, TSchema } from 'typebox';
import { endpointRanges, endpointsOfHealth, hourlyCounts, hourlySketches, type HoursQuery } from '../../projections/analytics/queries.ts';
import { contract } from '../platform/http/contract.ts';
import type { ApiContext } from '../platform/http/context.ts';
import type { Principal } from '../platform/http/principal.ts';
import { AnalyticsQuery, EndpointHealth, Failures, Latency, Outcomes, Summary, Throughput } from './contract.ts';
import { analyticsRange, type AnalyticsRange } from './domain/range.ts';
import { failuresReport, healthReport, latencyReport, outcomesReport, summaryReport, throughputReport } from './domain/reports.ts';

/** What a report reads: the request's range, the hours of the read model it covers (one endpoint's or all), the caller's project. */
type Read = { range: AnalyticsRange; hours: HoursQuery; scope: Principal };

/**
 * GET /api/v1/analytics/*: aggregates of the caller's project over a time range, read from
 * hourly and daily rows (projections/analytics: whole days from a day's row unless bucketed by
 * hour), bucketed and merged by services/analytics/domain. Like
 * every read model they trail the log by the projector's lag.
 */
export function analyticsRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    /** A report: every one takes ?endpointId=&from=&to= (a range that is not one is a 400) and answers `answer`. */
    const report = <T extends TSchema>(path: string, summary: string, description: string, answer: T, read: (q: Read) => Promise<Static<T>>) => {
      app.get(`/analytics/${path}`, {
        schema: contract({ tag: 'Analytics', summary, description, access: { scope: 'analytics:read', role: 'viewer' } },
          // Widened for fastify, whose reply type cannot be resolved for a T still generic here:
          // `read` is held to Static<T> where each report is declared.
          { querystring: AnalyticsQuery, response: { 200: answer as TSchema } }),
      }, async (req) => {
        const range = analyticsRange(req.query, Date.now());
        return read({ range, hours: { firstHour: range.firstHour, endHour: range.endHour, endpointId: req.query.endpointId, granularity: range.granularity }, scope: req.principal });
      });
    };
    const counts = (q: Read) => hourlyCounts(ctx.db, q.scope, q.hours);
    /** A report over the whole range, not per bucket: it may sum whole days from a row each whatever the buckets. */
    const whole = (q: Read): Read => ({ ...q, hours: { ...q.hours, granularity: 'day' } });
    const oneEndpoint = (q: Read) => q.hours.endpointId !== undefined;

    report('summary', 'Top-line counts over a range: sent, delivered, failed, dead-lettered', 'Deliveries are counted once, when they end; failures per attempt.',
      Summary, async (q) => summaryReport(q.range, await counts(whole(q)), oneEndpoint(q)));
    report('outcomes', 'Attempt outcomes per bucket (hourly up to 7 days, daily beyond)', 'Drives a stacked chart of delivered, retried and dead attempts.',
      Outcomes, async (q) => outcomesReport(q.range, await counts(q)));
    report('throughput', 'Events sent per bucket, and per second', 'Accepted events (or, for one endpoint, deliveries started) per bucket.',
      Throughput, async (q) => throughputReport(q.range, await counts(q), oneEndpoint(q)));
    report('latency', 'Attempt latency percentiles (p50, p95, p99) per bucket', 'Merged from sketches kept per endpoint and hour; each percentile within 1 %.',
      Latency, async (q) => latencyReport(q.range, await hourlySketches(ctx.db, q.scope, q.hours)));
    report('failures', 'Failed attempts by category, over the range and per bucket', 'timeout, 4xx, 5xx, dns, tls, refused, reset, blocked, transform, other.',
      Failures, async (q) => failuresReport(q.range, await counts(q)));
    report('endpoint-health', 'Each endpoint\'s health: delivery rate, p95 latency, circuit, latest success and failure',
      'Rates and latency over the range; circuit and latest attempts as of now.', EndpointHealth, async (q) => {
        const { hours } = whole(q);
        const [endpoints, ranges] = await Promise.all([endpointsOfHealth(ctx.db, q.scope, hours), endpointRanges(ctx.db, q.scope, hours)]);
        return healthReport(q.range, endpoints, ranges);
      });
  };
}
