/** Starting mittr for a scenario: one `mittr all`, or the four processes of --roles split. */
import { join } from 'node:path';
import { freePort, startMittrProcess, startNode, stopChild, type Child } from '../lib/procs.ts';
import { ROOT, STACK } from '../lib/stack.ts';
import type { Opts } from './config.ts';

/** Starts mittr (one process, or api / router+schedule / deliver / project) with isolated names. */
export function mittrEnv(prefix: string, schema: string, port: number, profileDir: string | null): Record<string, string> {
  return {
    KAFKA_BROKERS: STACK.kafkaBrokers, SCHEMA_REGISTRY_URL: STACK.registryUrl, DATABASE_URL: STACK.databaseUrl,
    KAFKA_TOPIC_PREFIX: prefix, DATABASE_SCHEMA: schema, KAFKA_PARTITIONS: '6',
    MITTR_ALLOW_PRIVATE_NETWORKS: 'true', MITTR_SIGNUPS_PER_ADDRESS_PER_HOUR: '0',
    // The inbound scenario measures receipts, not the per-URL flood limit.
    MITTR_INBOUND_REQUESTS_PER_MINUTE: '1000000000', MITTR_LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port),
    ...(profileDir ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --cpu-prof --cpu-prof-dir=${profileDir}`.trim() } : {}),
  };
}

export async function startMittr(opts: Opts, dir: string, prefix: string, schema: string, profileDir: string | null): Promise<{ children: Child[]; apiUrl: string }> {
  const port = await freePort();
  const env = mittrEnv(prefix, schema, port, profileDir);
  const started = /^mittr \S+ started/;
  const bootMs = 180_000;
  const src = opts.source.dir;
  const spawned: Child[] = [];
  const track = (c: Child) => {
    spawned.push(c);
    return c;
  };
  /** `mittr <role>` as users start it (scripts/mittr). */
  const start = (role: string) => track(startMittrProcess(role, [role], env, join(dir, `mittr-${role}.log`), src));
  try {
    if (!opts.split) {
      const all = start('all');
      await all.waitForLine(started, bootMs);
      return { children: [all], apiUrl: `http://127.0.0.1:${port}` };
    }
    // The api first: it creates the topics and migrates the schema the others then find.
    const api = start('api');
    await api.waitForLine(started, bootMs);
    const rest = [
      track(startNode('router+schedule', [join(ROOT, 'bench', 'mittr-roles.ts'), 'router,schedule'], env, join(dir, 'mittr-router-schedule.log'), src)),
      start('deliver'),
      start('project'),
    ];
    await Promise.all(rest.map((c) => c.waitForLine(started, bootMs)));
    return { children: [api, ...rest], apiUrl: `http://127.0.0.1:${port}` };
  } catch (err) {
    await Promise.all(spawned.map((c) => stopChild(c, 5_000)));
    throw err;
  }
}
