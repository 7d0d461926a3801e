import { join } from 'node:path';
import pg from 'pg';
import { runner } from 'node-pg-migrate';
import { createPool, type DatabasePool } from 'slonik';
import type { Config } from '../services/config/config.ts';

const MIGRATIONS_DIR = join(import.meta.dirname, 'migrations');

/** The URL with the configured schema first on the search_path. */
export function schemaUrl(config: Config): string {
  const url = new URL(config.databaseUrl);
  url.searchParams.set('options', `-c search_path=${config.databaseSchema}`);
  return url.toString();
}

/** Applies pending migrations (node-pg-migrate, SQL files) to the configured schema. */
export async function migrate(config: Config): Promise<void> {
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

export function createDb(config: Config, maximumPoolSize = 10): Promise<DatabasePool> {
  return createPool(schemaUrl(config), { maximumPoolSize, connectionTimeout: 5_000, statementTimeout: 30_000 });
}
