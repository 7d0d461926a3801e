import { join } from 'node:path';
import { isMainThread, Worker, workerData } from 'node:worker_threads';
import pg from 'pg';
import { createPool, type DatabasePool } from 'slonik';
import type { Config } from '../config/config.ts';

const MIGRATIONS_DIR = join(import.meta.dirname, '..', '..', '..', 'projections', 'migrations');

/**
 * Planner costs for mittr's workload: the read models are found by key (a batch's ids, an
 * event's destinations, a request's idempotency keys) and live in memory. With Postgres's
 * default random_page_cost (4, a spinning disk's) and a table not analyzed yet, e.g. in the
 * first minute after a burst of inserts, the planner preferred reading the whole table to a
 * hundred index lookups: the status recompute scanned every destination and marking a batch's
 * keys scanned every key of the project, 10-12 ms per statement at 50,000 rows and growing
 * with the table, where the index takes 0.7-1.2 ms. 1.1 is the usual value for data in RAM or
 * on SSD.
 */
const PLANNER = { random_page_cost: '1.1' };

/** The URL with the configured schema first on the search_path (and further `-c` settings). */
export function schemaUrl(config: Config, settings: Record<string, string> = {}): string {
  const url = new URL(config.databaseUrl);
  const options = Object.entries({ search_path: config.databaseSchema, ...PLANNER, ...settings }).map(([k, v]) => `-c ${k}=${v}`);
  url.searchParams.set('options', options.join(' '));
  return url.toString();
}

/** Applies pending migrations (node-pg-migrate, SQL files) to the configured schema. */
export async function migrate(config: Config): Promise<void> {
  // Imported here: node-pg-migrate (and jiti, which it loads) is needed once at boot, and a
  // thread that only queries, like `mittr all`'s processing thread, never loads it.
  const { runner } = await import('node-pg-migrate');
  const client = new pg.Client({ connectionString: config.databaseUrl });
  await client.connect();
  try {
    // One migrator per schema at a time, waiting rather than failing: several roles may boot
    // together, and other schemas (tests, tenants of the same database) migrate in parallel.
    // node-pg-migrate's own lock is database-wide and fails fast, so it is off.
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`mittr-migrate:${config.databaseSchema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${config.databaseSchema}"`);
    await client.query(`SET search_path TO "${config.databaseSchema}"`);
    await runner({
      noLock: true,
      dbClient: client,
      dir: MIGRATIONS_DIR,
      direction: 'up',
      migrationsTable: 'pgmigrations',
      schema: config.databaseSchema,
      checkOrder: true,
      log: () => undefined,
    });
  } finally {
    await client.end();
  }
}

/**
 * `migrate` on a thread of its own that ends when it is done. node-pg-migrate and what it loads
 * (jiti, glob) take ~3.6 MB of heap that a long-running process would otherwise keep, and under
 * load V8 lets the old generation grow to twice what is live: ~7 MB of peak RSS for code that
 * runs once at boot.
 */
export function migrateOnThread(config: Config): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { mittrMigrate: config } });
    let failure: unknown;
    worker.once('error', (err) => { failure = err; });
    worker.once('exit', (code) => {
      if (code === 0 && failure === undefined) resolve();
      else reject(failure ?? new Error(`the migration thread exited with code ${code}`));
    });
  });
}

// The migration thread itself: a failure ends it with an 'error' event carrying the error.
const migrating = (workerData as { mittrMigrate?: Config } | null)?.mittrMigrate;
if (!isMainThread && migrating) await migrate(migrating);

export function createDb(config: Config, maximumPoolSize = 10): Promise<DatabasePool> {
  return openPool(schemaUrl(config), maximumPoolSize);
}

/**
 * The pool projectors write with: their commits do not wait for the WAL to reach disk
 * (synchronous_commit off). A Postgres crash may lose the last few hundred milliseconds of
 * projection work, but a read-model change and its checkpoint commit in one transaction, so they
 * are lost together and the projector applies those records again from Kafka. Nothing else may
 * write through this pool: command-side rows (idempotency keys, reservations) must be durable.
 */
export function createProjectionDb(config: Config, maximumPoolSize = 8): Promise<DatabasePool> {
  return openPool(schemaUrl(config, { synchronous_commit: 'off' }), maximumPoolSize);
}

/**
 * No session state is ever set on a pooled connection (the schema comes from the startup
 * options, locks and settings are transaction-scoped), so a connection goes back to the pool as
 * it is: slonik's default reset (DISCARD ALL) would cost a round trip per checkout. A quarter of
 * the pool is opened at start and kept, and idle connections stay a minute (slonik closes them
 * after 5 s): connecting (a SCRAM handshake) otherwise lands in the middle of the first requests
 * and of every burst after a lull.
 */
async function openPool(url: string, maxPoolSize: number): Promise<DatabasePool> {
  const warm = Math.max(1, Math.floor(maxPoolSize / 4));
  const pool = await createPool(url, {
    maxPoolSize, minPoolSize: warm, idleTimeout: 60_000, connectionTimeout: 5_000, statementTimeout: 30_000,
    resetConnection: async () => undefined,
  });
  // Concurrent checkouts, each holding its connection until all are open.
  let opened = 0;
  let allOpen!: () => void;
  const open = new Promise<void>((resolve) => { allOpen = resolve; });
  try {
    await Promise.all(Array.from({ length: warm }, () => pool.connect(async () => {
      if (++opened === warm) allOpen();
      await open;
    })));
  } finally {
    allOpen(); // one failed: the others let go of theirs
  }
  return pool;
}
