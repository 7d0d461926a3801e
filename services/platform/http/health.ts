import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'slonik';
import { Type, type Static } from 'typebox';
import { readModelNotices } from '../../../projections/set-aside/queries.ts';
import type { ApiContext } from './context.ts';
import { contract, Nullable } from './contract.ts';

const Check = Type.Object({ status: Type.Union([Type.Literal('ok'), Type.Literal('down')]), latencyMs: Type.Integer(), error: Type.Optional(Type.String()) });
/** The stack's state, and what the read models set aside (records they could not apply, log resets). */
const HealthBody = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  checkedAt: Type.String({ format: 'date-time' }),
  checks: Type.Object({ kafka: Check, registry: Check, postgres: Check }),
  setAside: Type.Optional(Type.Object({ records: Type.Integer(), latestAt: Nullable(Type.String({ format: 'date-time' })) })),
  logResets: Type.Optional(Type.Array(Type.Object({ projector: Type.String(), reason: Type.String(), at: Type.String() }))),
});
const schema = contract(
  { tag: 'Operations', summary: 'Kafka, the schema registry and Postgres, each probed; 503 when any is down', access: 'public' },
  { response: { 200: HealthBody, 503: { ...HealthBody, description: 'A dependency is down: the same body, status degraded' } } },
);

async function probe(fn: () => Promise<unknown>): Promise<{ status: 'ok' | 'down'; latencyMs: number; error?: string }> {
  const t = performance.now();
  try {
    await Promise.race([fn(), new Promise((_, rej) => setTimeout(() => rej(new Error('timed out')), 2_000).unref())]);
    return { status: 'ok', latencyMs: Math.round(performance.now() - t) };
  } catch (err) {
    return { status: 'down', latencyMs: Math.round(performance.now() - t), error: (err as Error).message };
  }
}

/** At most one round of probes a second: a flood of /health costs Kafka, the registry and Postgres no more. */
const FRESH_MS = 1_000;
/** An answer older than this is not given while a newer round runs: a monitor polling rarely gets a fresh one. */
const STALE_MS = 2_000;

type Health = { code: 200 | 503; body: Static<typeof HealthBody> };

/**
 * GET /health: Kafka, the schema registry and Postgres, each probed; 503 when any is down. One
 * round of probes at a time, at most one a FRESH_MS, so the route is public without letting
 * callers open Kafka connections at will. A request starts a round when the last began FRESH_MS
 * ago or more, and answers the latest finished one (`checkedAt` says when it began) if that is
 * younger than STALE_MS, else waits for the round. Under frequent polling /health's own latency
 * is the API's; a rare poll gets a fresh answer.
 */
export function healthRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  let started = -Infinity;
  let running: Promise<Health> | undefined;
  let latest: { at: number; health: Health } | undefined;
  const check = async (): Promise<Health> => {
    const checkedAt = new Date().toISOString();
    const [kafka, registry, postgres] = await Promise.all([
      probe(async () => { const a = ctx.kafka.admin(); await a.connect(); try { await a.describeCluster(); } finally { await a.disconnect(); } }),
      probe(async () => { const r = await fetch(`${ctx.config.registryUrl}/subjects`); if (!r.ok) throw new Error(`HTTP ${r.status}`); }),
      probe(() => ctx.db.query(sql.unsafe`SELECT 1`)),
    ]);
    const ok = [kafka, registry, postgres].every((c) => c.status === 'ok');
    const readModels = postgres.status === 'ok' ? await readModelNotices(ctx.db).catch(() => undefined) : undefined;
    return { code: ok ? 200 : 503, body: { status: ok ? 'ok' : 'degraded', checkedAt, checks: { kafka, registry, postgres }, ...readModels } };
  };
  return async (app) => {
    app.get('/health', { schema }, async (_req, reply) => {
      const now = performance.now();
      if (!running && now - started >= FRESH_MS) {
        const at = started = now;
        running = check().then((health) => { latest = { at, health }; return health; }).finally(() => { running = undefined; });
      }
      const { code, body } = latest && now - latest.at < STALE_MS ? latest.health : await (running ?? Promise.resolve(latest!.health));
      return reply.code(code).send(body);
    });
  };
}
