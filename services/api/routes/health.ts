import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'slonik';
import { readModelNotices } from '../../../projections/set-aside/queries.ts';
import type { ApiContext } from '../context.ts';

async function probe(fn: () => Promise<unknown>): Promise<{ status: 'ok' | 'down'; latencyMs: number; error?: string }> {
  const t = performance.now();
  try {
    await Promise.race([fn(), new Promise((_, rej) => setTimeout(() => rej(new Error('timed out')), 2_000).unref())]);
    return { status: 'ok', latencyMs: Math.round(performance.now() - t) };
  } catch (err) {
    return { status: 'down', latencyMs: Math.round(performance.now() - t), error: (err as Error).message };
  }
}

/** GET /health: Kafka, the schema registry and Postgres, each probed; 503 when any is down. */
export function healthRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/health', async (_req, reply) => {
      const [kafka, registry, postgres] = await Promise.all([
        probe(async () => { const a = ctx.kafka.admin(); await a.connect(); try { await a.describeCluster(); } finally { await a.disconnect(); } }),
        probe(async () => { const r = await fetch(`${ctx.config.registryUrl}/subjects`); if (!r.ok) throw new Error(`HTTP ${r.status}`); }),
        probe(() => ctx.db.query(sql.unsafe`SELECT 1`)),
      ]);
      const ok = [kafka, registry, postgres].every((c) => c.status === 'ok');
      const readModels = postgres.status === 'ok' ? await readModelNotices(ctx.db).catch(() => undefined) : undefined;
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', checks: { kafka, registry, postgres }, ...readModels });
    });
  };
}
