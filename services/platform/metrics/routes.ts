import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Gauge } from 'prom-client';
import { Type } from 'typebox';
import { DomainError } from '../domain/errors.ts';
import type { ApiContext } from '../http/context.ts';
import { contract } from '../http/contract.ts';
import { lagReader, type Lag } from '../projection/lag.ts';
import { bearerMatches, UNAUTHORIZED } from './token.ts';

const schema = contract({
  tag: 'Operations', summary: 'Prometheus metrics: API latency, deliveries, circuit breakers, consumer and projection lag, the process',
  description: 'Served only when MITTR_METRICS_TOKEN is configured (404 otherwise), to `Authorization: Bearer <MITTR_METRICS_TOKEN>`.',
  access: 'public', security: [{ metricsToken: [] }], errors: [404],
}, {
  response: { 200: { description: 'The Prometheus text exposition format (version 0.0.4)', content: { 'text/plain': { schema: Type.String() } } } },
});

/**
 * The gauges computed at a scrape, in the API: open circuit breakers from the endpoint
 * configuration every role keeps (the engines record each change), and the lag GET /stats shows,
 * from the same reader and its once-a-second cache.
 */
function scrapeGauges(ctx: ApiContext): void {
  const registers = [ctx.metrics.registry];
  // Both lag gauges read the reader: its cache makes that one read of Kafka per scrape (per second).
  const lag = () => lagReader(ctx).read().catch((): Lag | null => null);
  new Gauge({
    name: 'mittr_circuit_breakers_open', help: 'Endpoints whose circuit breaker is open, as the engines last recorded it', registers,
    collect() { this.set(ctx.store.state.endpoints.openCircuits()); },
  });
  /** A gauge of one lag list, labelled by each entry's name, reset at every scrape (a group gone leaves no series). */
  const lagGauge = (name: string, help: string, label: string, of: (l: Lag) => Array<{ name: string; lag: number }>) => new Gauge({
    name, help, labelNames: [label], registers,
    async collect() {
      const l = await lag();
      this.reset();
      for (const x of l ? of(l) : []) this.set({ [label]: x.name }, x.lag);
    },
  });
  lagGauge('mittr_consumer_lag', 'Records between a consumer group\'s committed offsets and the end of its partitions', 'group',
    (l) => l.consumerGroups.map((g) => ({ name: g.group, lag: g.lag })));
  lagGauge('mittr_projection_lag', 'Records between a projector\'s Postgres checkpoint and the end of its topics', 'projector',
    (l) => l.projections.map((p) => ({ name: p.projector, lag: p.lag })));
}

/** GET /metrics: Prometheus metrics, behind MITTR_METRICS_TOKEN; without one configured the route is not there (404). */
export function metricsRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const token = ctx.config.metricsToken;
  if (token !== undefined) scrapeGauges(ctx);
  return async (app) => {
    app.addHook('onClose', async () => lagReader(ctx).stop());
    app.get('/metrics', { schema }, async (req, reply) => {
      if (token === undefined) throw new DomainError('NOT_FOUND', `no route for ${req.method} /metrics`);
      if (!bearerMatches(req.headers.authorization, token)) {
        reply.header('www-authenticate', UNAUTHORIZED.challenge);
        throw new DomainError('UNAUTHORIZED', UNAUTHORIZED.error);
      }
      return reply.type(ctx.metrics.contentType).send(await ctx.metrics.exposition());
    });
  };
}
