import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startMittr, ROLES, type Mittr } from '../../mittr.ts';
import { api, dropIsolation, eventually, isolatedConfig, signup } from '../../../test/support/mittr.ts';

/**
 * ARCHITECTURE 12: a log that was reset is noticed. The read models of an earlier log must not
 * make the projectors skip the new log's records: mittr says so and rebuilds them from the log
 * it has.
 */
describe('a projector whose log was reset', () => {
  const config = isolatedConfig();
  let mittr: Mittr | undefined;
  afterAll(async () => {
    await mittr?.stop();
    await dropIsolation(config);
  });
  const sql = async <T extends pg.QueryResultRow>(text: string) => {
    const client = new pg.Client({ connectionString: config.databaseUrl });
    await client.connect();
    try {
      return (await client.query<T>(text)).rows;
    } finally {
      await client.end();
    }
  };
  const schema = `"${config.databaseSchema}"`;
  const me = async (url: string, apiKey: string) => eventually(async () => {
    const res = await api(url, apiKey)('GET', '/api/v1/me');
    return res.status === 200 ? res.body : undefined;
  }, 30_000);

  it('rebuilds its read model when its checkpoints are past the end of the topics (a new, emptier log)', async () => {
    mittr = await startMittr(config, ROLES);
    for (let i = 0; i < 3; i++) await me(mittr.url!, (await signup(mittr.url!)).apiKey);
    await mittr.stop();
    mittr = undefined;
    // A new log: every topic of this deployment gone and made anew (empty), the database kept.
    const admin = new Kafka({ brokers: config.kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const mine = (await admin.listTopics()).filter((t) => t.startsWith(config.topicPrefix));
      await admin.deleteTopics({ topics: mine });
      await eventually(async () => !(await admin.listTopics()).some((t) => t.startsWith(config.topicPrefix)), 30_000, 250);
    } finally {
      await admin.disconnect();
    }
    mittr = await startMittr(config, ROLES);
    const fresh = await signup(mittr.url!);
    expect((await me(mittr.url!, fresh.apiKey)).id).toBe(fresh.id);
    // The old log's accounts went with their log; the reset is recorded and shown.
    expect(await sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.accounts`)).toEqual([{ n: 1 }]);
    const health = await api(mittr.url!)('GET', '/health');
    expect(health.body.logResets).toEqual(expect.arrayContaining([
      expect.objectContaining({ projector: 'accounts', reason: expect.stringMatching(/past the end/) as string }),
    ]));
  });

  it('rebuilds its read model when the Kafka cluster is not the one its checkpoints came from', async () => {
    const before = await signup(mittr!.url!);
    await me(mittr!.url!, before.apiKey);
    await mittr!.stop();
    mittr = undefined;
    // As if these checkpoints had been written against another cluster (a new Kafka data directory).
    await sql(`UPDATE ${schema}.projection_logs SET cluster_id = 'another-cluster'`);
    await sql(`INSERT INTO ${schema}.accounts (id, email, company_name, project_id, plan, signing_secret_enc, created_at)
               SELECT gen_random_uuid(), 'ghost@example.test', 'Ghost', gen_random_uuid(), 'free', '', now()`);
    mittr = await startMittr(config, ROLES);
    // Rebuilt from this log: its accounts are back, the row no log holds is gone.
    expect((await me(mittr.url!, before.apiKey)).id).toBe(before.id);
    expect(await sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.accounts WHERE email = 'ghost@example.test'`)).toEqual([{ n: 0 }]);
    const resets = await sql<{ reason: string }>(`SELECT reason FROM ${schema}.projection_resets WHERE projector = 'accounts' ORDER BY id DESC LIMIT 1`);
    expect(resets[0]!.reason).toMatch(/another-cluster/);
  });
});
