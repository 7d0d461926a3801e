/** The loopback stack the benchmark runs against, and a run's isolation (topic prefix, DB schema) on it. */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

export const STACK = {
  kafkaBrokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
  registryUrl: process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7',
  databaseUrl: process.env.DATABASE_URL ?? 'postgres://mittr:mittr@127.0.0.1:5432/mittr',
};

/** `bash scripts/stack up` (idempotent): starts the loopback stack when absent. */
export function stackUp(): void {
  try {
    execFileSync('bash', ['scripts/stack', 'up'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], timeout: 900_000 });
  } catch (err) {
    const e = err as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`scripts/stack up failed:\n${e.stdout?.toString() ?? ''}\n${e.stderr?.toString() ?? ''}`, { cause: err });
  }
}

export async function pgQuery<T = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: STACK.databaseUrl });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

/** Removes a run's topics, consumer groups and Postgres schema. */
export async function dropIsolation(prefix: string, schema: string): Promise<void> {
  const kafka = new Kafka({ clientId: 'mittr-bench-cleanup', brokers: STACK.kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
  await pgQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  // The next scenario should not pay for this one's writes: Postgres writes its dirty pages now,
  // not during the next measurement (after ingest-batch's ~300,000 events, e2e ran slower).
  await pgQuery('CHECKPOINT');
}
