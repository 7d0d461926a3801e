import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import type { DatabasePool } from 'slonik';
import { afterAll, beforeAll, inject } from 'vitest';
import { loadConfig, type Config } from '../../services/platform/config/config.ts';
import { ROLES, startMittr, type Mittr, type Role } from '../../services/mittr.ts';
import type { DomainEvent } from '../../services/capabilities.ts';
import { createDb, migrate } from '../../services/platform/postgres/db.ts';
import type { Projection } from '../../services/platform/projection/runner.ts';

/**
 * A configuration isolated for one spec file: its own topic prefix and Postgres schema, so
 * spec files run in parallel against the one stack.
 */
export function isolatedConfig(overrides: Record<string, string> = {}): Config {
  const stack = inject('stack');
  const id = randomBytes(4).toString('hex');
  return loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    KAFKA_BROKERS: stack.kafkaBrokers,
    DATABASE_URL: stack.databaseUrl,
    SCHEMA_REGISTRY_URL: stack.registryUrl,
    KAFKA_TOPIC_PREFIX: `t${id}.`,
    KAFKA_PARTITIONS: '3',
    DATABASE_SCHEMA: `t_${id}`,
    MITTR_ALLOW_PRIVATE_NETWORKS: 'true',
    MITTR_SIGNUPS_PER_ADDRESS_PER_HOUR: '0',
    MITTR_LOG_LEVEL: process.env.MITTR_TEST_LOG_LEVEL ?? 'silent',
    ...(process.env.MITTR_SEAL_DATA ? { MITTR_SEAL_DATA: process.env.MITTR_SEAL_DATA } : {}),
    // Mail without SMTP_URL is written under MITTR_HOME/mail: the tests' go to the temp directory.
    MITTR_HOME: join(tmpdir(), 'mittr-test-home'),
    ...overrides,
  });
}

/** mittr in this process with every role, plus a teardown that removes the spec's topics and schema. */
export async function startTestMittr(config = isolatedConfig(), roles: readonly Role[] = ROLES) {
  const mittr: Mittr = await startMittr(config, roles);
  return {
    config,
    mittr,
    url: mittr.url!,
    async stop() {
      await mittr.stop();
      await dropIsolation(config);
    },
  };
}

export async function dropIsolation(config: Config): Promise<void> {
  const kafka = new Kafka({ brokers: config.kafkaBrokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const mine = (await admin.listTopics()).filter((t) => t.startsWith(config.topicPrefix));
  if (mine.length > 0) await admin.deleteTopics({ topics: mine }).catch(() => undefined);
  await admin.disconnect();
  const client = new pg.Client({ connectionString: config.databaseUrl });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${config.databaseSchema}" CASCADE`);
  await client.end();
}

/** A small HTTP client for specs. */
export function api(base: string, apiKey?: string) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(apiKey ? { 'x-api-key': apiKey } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- specs read arbitrary JSON
    try { json = text ? JSON.parse(text) : undefined; } catch { json = text; }
    return { status: res.status, body: json, headers: res.headers };
  };
}

/** Signs up a fresh account and answers its API key and signing secret. */
export async function signup(base: string): Promise<{ apiKey: string; signingSecret: string; id: string; projectId: string }> {
  const res = await api(base)('POST', '/auth/signup', {
    email: `u${randomBytes(6).toString('hex')}@example.test`, password: 'correct horse battery', companyName: 'Acme',
  });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Polls `fn` until it answers something truthy, bounded. */
export async function eventually<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) { last = err; }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`eventually: timed out after ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
}

/** Members of one of the run's consumer groups once it is Stable (0 while it rebalances). */
export async function groupMembers(config: Config, group: string): Promise<number> {
  const admin = new Kafka({ brokers: config.kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const { groups } = await admin.describeGroups([`${config.topicPrefix}${group}`]);
    return groups[0]?.state === 'Stable' ? groups[0].members.length : 0;
  } finally {
    await admin.disconnect();
  }
}

/** The most timestamps (ms) that fall in any window of `windowMs`: what a rate limit must bound. */
export function busiestWindow(timesMs: readonly number[], windowMs: number): number {
  const times = [...timesMs].sort((a, b) => a - b);
  let worst = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (j < times.length && times[j]! < times[i]! + windowMs) j++;
    worst = Math.max(worst, j - i);
  }
  return worst;
}

/**
 * A projection spec's database: an isolated, migrated schema for the file (dropped after it),
 * `apply` runs the projection over events in one transaction, as the runner does.
 */
export function projectionFixture(projection: Projection) {
  const config = isolatedConfig();
  let db: DatabasePool;
  beforeAll(async () => {
    await migrate(config);
    db = await createDb(config, 2);
  });
  afterAll(async () => {
    await db?.end();
    await dropIsolation(config);
  });
  return {
    db: () => db,
    apply: (events: DomainEvent[]) => db.transaction((tx) => projection.apply(tx, events)),
  };
}
