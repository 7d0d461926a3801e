import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApiContext } from '../platform/http/context.ts';
import { contract } from '../platform/http/contract.ts';
import { Stats } from './contract.ts';
import { statsSource } from './snapshot.ts';

/** GET /stats: a snapshot of the caller's project (events, deliveries waiting, the last minute) and the deployment's lag. */
export function statsRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const stats = statsSource(ctx);
  return async (app) => {
    app.addHook('onClose', async () => stats.stop());
    app.get('/stats', {
      schema: contract({
        tag: 'Stats', summary: 'The project\'s queue statistics now: events by status, deliveries waiting, the last minute, and the consumers\' lag',
        description: 'Counts come from the read models (a record counts once projected); the lag is the deployment\'s, read at most once a second.',
        access: { scope: 'stats:read', role: 'viewer' },
      }, { response: { 200: Stats } }),
    }, async (req) => stats.snapshot(req.principal.projectId));
  };
}
