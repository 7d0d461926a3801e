import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Static } from 'typebox';
import { Type } from 'typebox';
import type { EndpointState } from '../endpoints/domain/evolve.ts';
import { rateLimitView, type LivePace } from '../deliveries/rate-limit-view.ts';
import { DomainError } from '../platform/domain/errors.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { contract } from '../platform/http/contract.ts';
import { RateLimitRow, RateLimits } from './contract.ts';

const IDLE: LivePace = { sendRate: 0, waiting: 0, longestWaitMs: 0, expectedWaitMs: 0, engines: 0 };

/** An endpoint's row: its configured limit (from the configuration every role keeps) and the engines' live pacing of it. */
function row(ep: EndpointState, live: ReadonlyMap<string, LivePace>): Static<typeof RateLimitRow> {
  return { endpointId: ep.endpointId, url: ep.config.url, limit: ep.config.rateLimitPerSec > 0 ? ep.config.rateLimitPerSec : null, ...(live.get(ep.endpointId) ?? IDLE) };
}

const access = { scope: 'stats:read', role: 'viewer' } as const;
const DESCRIPTION = 'Each engine publishes its rate limiters once a second; the API merges the live engines\' latest (services/deliveries/rate-limit-snapshots.ts), so this is at most a second or two old.';

/** GET /metrics/rate-limits and /metrics/rate-limits/endpoint/{id}: the project's endpoints' rate limits, live. */
export function rateLimitRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const view = rateLimitView(ctx);
  return async (app) => {
    app.addHook('onClose', async () => view.stop());
    app.get('/metrics/rate-limits', {
      schema: contract({
        tag: 'Stats', summary: 'Every endpoint\'s rate limit now: the limit, the send rate, the deliveries waiting on it and for how long',
        description: DESCRIPTION, access,
      }, { response: { 200: RateLimits } }),
    }, async (req) => {
      const live = await view.read();
      const projectId = req.principal.projectId;
      return { projectId, at: new Date().toISOString(), endpoints: ctx.store.state.endpoints.ofProject(projectId).map((ep) => row(ep, live)) };
    });
    app.get('/metrics/rate-limits/endpoint/:id', {
      schema: contract({
        tag: 'Stats', summary: 'One endpoint\'s rate limit now: the limit, the send rate, the deliveries waiting on it and for how long',
        description: DESCRIPTION, access,
      }, { params: Type.Object({ id: Type.String() }), response: { 200: RateLimitRow } }),
    }, async (req) => {
      const ep = ctx.store.state.endpoints.get(req.params.id);
      if (!ep || ep.deleted || ep.projectId !== req.principal.projectId) throw new DomainError('NOT_FOUND', 'endpoint not found');
      return row(ep, await view.read());
    });
  };
}
