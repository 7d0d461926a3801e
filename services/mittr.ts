import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { DatabasePool } from 'slonik';
import type { Config } from './config/config.ts';
import { createKafka, ensureTopics } from './kafka/client.ts';
import { Serde } from './kafka/serde.ts';
import { DELAY_TIERS_MS, LANE_WEIGHTS, LANES, topicNames } from './kafka/topics.ts';
import { SecretBox } from './security/secrets.ts';
import type { ConfigStore } from './state/config-store.ts';

// Each role's modules are imported when the role starts, not here: `mittr all`'s two threads
// run different roles, and a module once loaded keeps its source and its top-level objects in
// that isolate for good (a thread with only the projectors held 43 MB at rest with every
// role's modules, 31 MB with its own; bench/README.md, "What each role loads").

export const ROLES = ['api', 'router', 'deliver', 'schedule', 'project'] as const;
export type Role = (typeof ROLES)[number];

export type Mittr = { app?: FastifyInstance; url?: string; stop(): Promise<void> };

/** What every role needs in place first (idempotent): the topics, and the schema for roles that use Postgres. */
export async function prepareMittr(config: Config, roles: readonly Role[]): Promise<void> {
  await ensureTopics(createKafka(config, 'mittr-prepare'), config);
  if (roles.includes('api') || roles.includes('project')) await (await import('../projections/db.ts')).migrateOnThread(config);
}

/**
 * Boots the given roles in this process: topics and migrations first (unless `prepared` says a
 * caller did so for them), the schemas, then each role's consumers and, for `api`, the HTTP server.
 */
export async function startMittr(config: Config, roles: readonly Role[], { prepared = false } = {}): Promise<Mittr> {
  const has = (r: Role) => roles.includes(r);
  const kafka = createKafka(config, `mittr-${roles.join('-')}`);
  const serde = new Serde(config.registryUrl);
  const topics = topicNames(config.topicPrefix);
  if (!prepared) await prepareMittr(config, roles);
  await serde.registerAll();
  const secrets = new SecretBox(config.masterKey);
  const stops: Array<() => Promise<unknown>> = [];
  let db: DatabasePool | undefined;
  let projectionDb: DatabasePool | undefined;
  if (has('api')) {
    const { createDb } = await import('../projections/db.ts');
    db = await createDb(config, 20);
    stops.push(() => db!.end());
  }
  if (has('project')) {
    const { createProjectionDb } = await import('../projections/db.ts');
    projectionDb = await createProjectionDb(config, 8);
    stops.push(() => projectionDb!.end());
  }
  let store: ConfigStore | undefined;
  if (has('api') || has('deliver') || has('router')) {
    const { ConfigStore } = await import('./state/config-store.ts');
    store = new ConfigStore(kafka, serde, topics);
    await store.start();
    stops.unshift(() => store!.stop());
  }
  const group = (name: string) => `${config.topicPrefix}${name}`;
  const processors: Array<{ name: string; start(): Promise<void>; stop(): Promise<void> }> = [];
  if (has('router')) {
    const [{ TransactionalProcessor }, { routerHandler }] = await Promise.all([import('./kafka/processor.ts'), import('./router/router.ts')]);
    processors.push(new TransactionalProcessor({ kafka, serde, groupId: group('router'), topics: [topics.events], handler: routerHandler(topics, store!), setAsideTopic: topics.setAside }));
  }
  if (has('schedule')) {
    const [{ TransactionalProcessor }, { schedulerHandler }] = await Promise.all([import('./kafka/processor.ts'), import('./delivery/scheduler.ts')]);
    processors.push(new TransactionalProcessor({
      kafka, serde, groupId: group('scheduler'), topics: DELAY_TIERS_MS.map(topics.delay), handler: schedulerHandler(topics), setAsideTopic: topics.setAside,
      partitionsConsumedConcurrently: 8, maxWaitTimeInMs: 100,
    }));
  }
  if (has('deliver')) {
    const [{ AgentPool }, { GroupSize }, { TransformPool }, { engineHandler }, { RateLimiter }, { ParallelProcessor }] = await Promise.all([
      import('./delivery/sender.ts'), import('./kafka/group-size.ts'), import('./delivery/transform/index.ts'),
      import('./delivery/engine.ts'), import('./delivery/rate-limiter.ts'), import('./kafka/parallel-processor.ts'),
    ]);
    const agents = new AgentPool({ allowPrivateNetworks: config.allowPrivateNetworks, operatorCidrs: config.allowedCidrs }, config.tlsCaFile ? await readFile(config.tlsCaFile, 'utf8') : undefined);
    stops.push(() => agents.close());
    const engines = new GroupSize(kafka, group('engine.high'));
    await engines.start();
    stops.push(() => engines.stop());
    const transforms = new TransformPool();
    stops.push(() => transforms.close());
    const handler = engineHandler({ topics, agents, store: store!, secrets, limiter: new RateLimiter(), transforms, engines: () => engines.size });
    // One consumer per priority lane (ARCHITECTURE 8): a backlog in one lane never stands in
    // front of another; each lane's share of held deliveries is weighted.
    for (const lane of LANES) {
      processors.push(new ParallelProcessor({
        kafka, serde, groupId: group(`engine.${lane}`), topics: [topics.lane(lane)], handler, setAsideTopic: topics.setAside,
        maxPendingPerPartition: LANE_WEIGHTS[lane], onError: (err) => console.error(`mittr engine.${lane}:`, err),
      }));
    }
  }
  if (has('project')) {
    const [{ allProjections }, { ProjectionRunner }] = await Promise.all([import('../projections/index.ts'), import('../projections/runner.ts')]);
    for (const projection of allProjections(topics)) {
      const runner = new ProjectionRunner(kafka, serde, projectionDb!, projection, config.topicPrefix);
      await runner.start();
      stops.unshift(() => runner.stop());
    }
  }
  let app: FastifyInstance | undefined;
  let url: string | undefined;
  if (has('api')) {
    const [{ Appender }, { startServer }, { RecentWrites }, { sweepRecentWrites }] = await Promise.all([
      import('./kafka/appender.ts'), import('./api/server.ts'), import('./api/context.ts'), import('./api/read-your-writes.ts'),
    ]);
    const appender = new Appender(kafka, serde);
    await appender.start();
    stops.unshift(() => appender.stop());
    const recent = new RecentWrites();
    const stopSweeping = sweepRecentWrites(recent, db!);
    stops.unshift(async () => stopSweeping());
    app = await startServer({ config, kafka, serde, db: db!, appender, topics, store: store!, secrets, recent }, config);
    const addr = app.server.address();
    url = typeof addr === 'object' && addr ? `http://${config.host}:${addr.port}` : undefined;
    stops.unshift(() => app!.close());
  }
  // The API answers first (accepted events are safe in Kafka); consumers join their groups after,
  // which after a crash can take up to the session timeout. A dependency outage meanwhile must
  // not end a process that already answers: a failed start is undone and tried again.
  for (const p of processors) {
    stops.unshift(() => p.stop());
    await startRetrying(p);
  }
  return {
    app, url,
    async stop() {
      for (const s of stops) await s().catch(() => undefined);
    },
  };
}

/** Starts `p`; when that fails (Kafka away while its consumer joins), stops what it opened and tries again, with backoff. */
async function startRetrying(p: { name: string; start(): Promise<void>; stop(): Promise<void> }): Promise<void> {
  for (let delayMs = 1_000; ; delayMs = Math.min(delayMs * 2, 10_000)) {
    try {
      await p.start();
      return;
    } catch (err) {
      console.error(`mittr ${p.name}: could not start (${err instanceof Error ? err.message : String(err)}); trying again in ${delayMs} ms`);
      await p.stop().catch(() => undefined);
      await new Promise((r) => setTimeout(r, delayMs));
    }
  }
}
