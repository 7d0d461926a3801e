import type { FastifyInstance } from 'fastify';
import type { DatabasePool } from 'slonik';
import type { Config } from './platform/config/config.ts';
import { createKafka, ensureTopics } from './platform/kafka/client.ts';
import { Serde } from './platform/kafka/serde.ts';
import { allProjections, allRoutes, streamRole, topicNames, topicSpecs, type Role } from './capabilities.ts';
import type { Processor } from './platform/capability.ts';
import type { RoleEnv } from './platform/role-env.ts';
import { Metrics } from './platform/metrics/registry.ts';
import { SecretBox } from './platform/security/secrets.ts';
import type { ConfigStore } from './platform/state/config-store.ts';
import { registerErasedMetric } from './platform/crypto/erased.ts';
import { PROJECTION_OPENS } from './data-keys/fields.ts';
import type { DataKeys } from './data-keys/store.ts';

// Each role's modules are imported when the role starts, not here: `mittr all`'s two threads
// run different roles, and a module once loaded keeps its source and its top-level objects in
// that isolate for good (a thread with only the projectors held 43 MB at rest with every
// role's modules, 31 MB with its own; bench/README.md, "What each role loads").

export { ROLES, type Role } from './capabilities.ts';

/** A running mittr; `metricsUrl` is its own /metrics listener's (a process without the API, MITTR_METRICS_PORT). */
/**
 * A running mittr; `metricsUrl` is its own /metrics listener's (a process without the API, MITTR_METRICS_PORT).
 * `dataKeys.destroy(accountId)` crypto-shreds a workspace (GDPR erasure).
 */
export type Mittr = {
  app?: FastifyInstance; url?: string; metricsUrl?: string; metrics: Metrics; dataKeys: DataKeys;
  /** The configuration this process keeps in memory (what in-process specs read lookups against). */
  store?: ConfigStore;
  stop(): Promise<void>;
};

/** What every role needs in place first (idempotent): the topics, and the schema for roles that use Postgres. */
export async function prepareMittr(config: Config, roles: readonly Role[]): Promise<void> {
  await ensureTopics(createKafka(config, 'mittr-prepare'), topicSpecs(config.topicPrefix, config.partitions));
  if (roles.includes('api') || roles.includes('project')) await (await import('./platform/postgres/db.ts')).migrateOnThread(config);
}

/**
 * Boots the given roles in this process: topics and migrations first (unless `prepared` says a
 * caller did so for them), the schemas, then each role's consumers and, for `api`, the HTTP server.
 * Without `api`, with MITTR_METRICS_PORT, a small listener serves its /metrics, unless `ownMetrics`
 * is false: `mittr all`'s processing thread, whose metrics the API's thread serves.
 */
export async function startMittr(config: Config, roles: readonly Role[], { prepared = false, ownMetrics = true } = {}): Promise<Mittr> {
  const has = (r: Role) => roles.includes(r);
  // First, so that every hook (the API's, the producers', the consumers') sees it on.
  const stopTracing = config.otlpEndpoint ? await (await import('./platform/tracing/setup.ts')).startTracing(config, roles) : undefined;
  const kafka = createKafka(config, `mittr-${roles.join('-')}`);
  const serde = new Serde(config.registryUrl);
  const topics = topicNames(config.topicPrefix);
  if (!prepared) await prepareMittr(config, roles);
  await serde.registerAll();
  const secrets = new SecretBox(config.masterKey, config.masterKeys.slice(1).map((m) => m.key));
  // Before any consumer or appender: from here the serde seals and opens personal fields.
  const { DataKeys } = await import('./data-keys/store.ts');
  const dataKeys = new DataKeys(kafka, serde, topics.dataKeys, config.masterKeys, config.sealData);
  const metricsListener = ownMetrics && !has('api') && config.metricsPort !== undefined && config.metricsToken !== undefined
    ? { token: config.metricsToken, port: config.metricsPort, host: config.host } : undefined;
  // The process's own metrics (CPU, memory, event loop) where /metrics is served: the API's thread, or the listener.
  const metrics = new Metrics({ processMetrics: has('api') || metricsListener !== undefined });
  const stops: Array<() => Promise<unknown>> = [];
  registerErasedMetric(metrics.registry);
  await dataKeys.start();
  stops.push(() => dataKeys.stop());
  let db: DatabasePool | undefined;
  let projectionDb: DatabasePool | undefined;
  if (has('api')) {
    const { createDb } = await import('./platform/postgres/db.ts');
    db = await createDb(config, 20);
    stops.push(() => db!.end());
  }
  if (has('project')) {
    const { createProjectionDb } = await import('./platform/postgres/db.ts');
    projectionDb = await createProjectionDb(config, 8);
    stops.push(() => projectionDb!.end());
  }
  let store: ConfigStore | undefined;
  const streamRoles = roles.flatMap((r) => streamRole(r) ?? []);
  if (has('api') || streamRoles.some((r) => r.usesConfig)) {
    const [{ ConfigStore }, { newState }] = await Promise.all([import('./platform/state/config-store.ts'), import('./capabilities.ts')]);
    store = new ConfigStore(kafka, serde, await newState(topics));
    await store.start();
    // A user whose own key an erasure destroyed is forgotten here at once (their e-mail is free again).
    const people = store.state.accounts.people;
    dataKeys.onDestroyed((ownerId) => people.forget(ownerId));
    stops.unshift(() => store!.stop());
  }
  const group = (name: string) => `${config.topicPrefix}${name}`;
  const processors: Processor[] = [];
  for (const definition of streamRoles) {
    const role = await definition.load();
    const env: RoleEnv = { config, kafka, serde, topics, secrets, store: store!, group, onStop: (stop) => stops.push(stop), metrics, dataKeys };
    processors.push(...await role.start(env as never));
  }
  if (has('project')) {
    const { ProjectionRunner } = await import('./platform/projection/runner.ts');
    // Every read model on one consumer: each record is fetched and decoded once.
    // The read models keep personal fields sealed: only EventEdited is opened (the audit log names its headers).
    const runner = new ProjectionRunner(kafka, serde.sealedReader(PROJECTION_OPENS), projectionDb!, await allProjections(topics), config.topicPrefix, 'all');
    await runner.start();
    stops.unshift(() => runner.stop());
  }
  let app: FastifyInstance | undefined;
  let url: string | undefined;
  if (has('api')) {
    const [{ Appender }, { startServer }, { RecentWrites }, { sweepRecentWrites }, { authenticator }, { createMailer }, { ApiPeers, rateLimiter }, routes] = await Promise.all([
      import('./platform/kafka/appender.ts'), import('./platform/http/server.ts'), import('./platform/http/context.ts'), import('./platform/http/read-your-writes.ts'),
      import('./accounts/authenticate.ts'), import('./platform/mail/mailer.ts'), import('./accounts/rate-limiter.ts'), allRoutes(),
    ]);
    const appender = new Appender(kafka, serde);
    await appender.start();
    stops.unshift(() => appender.stop());
    const recent = new RecentWrites();
    const stopSweeping = sweepRecentWrites(recent, db!);
    stops.unshift(async () => stopSweeping());
    // The development fallback logs each mail's file and links, unless the process logs nothing.
    const mailer = createMailer(config, { log: (line) => { if (config.logLevel !== 'silent') console.error(line); } });
    stops.push(async () => mailer.close());
    const ctx = { config, kafka, serde, db: db!, appender, topics, store: store!, secrets, recent, mailer, metrics, dataKeys };
    const peers = new ApiPeers(db!);
    await peers.start();
    stops.unshift(() => peers.stop());
    app = await startServer(ctx, { ...routes, authenticate: authenticator(ctx), admit: rateLimiter(ctx, peers) }, config);
    const addr = app.server.address();
    url = typeof addr === 'object' && addr ? `http://${config.host}:${addr.port}` : undefined;
    stops.unshift(() => app!.close());
  }
  let metricsUrl: string | undefined;
  if (metricsListener) {
    const listener = await (await import('./platform/metrics/listener.ts')).listenForMetrics(metrics, metricsListener);
    metricsUrl = listener.url;
    stops.unshift(() => listener.close());
  }
  // The API answers first (accepted events are safe in Kafka); consumers join their groups after,
  // which after a crash can take up to the session timeout. A dependency outage meanwhile must
  // not end a process that already answers: a failed start is undone and tried again.
  for (const p of processors) {
    stops.unshift(() => p.stop());
    await startRetrying(p);
  }
  return {
    app, url, metricsUrl, metrics, dataKeys, store,
    async stop() {
      for (const s of stops) await s().catch(() => undefined);
      // Last: the spans of the work stopped above are exported before it ends.
      await stopTracing?.();
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
