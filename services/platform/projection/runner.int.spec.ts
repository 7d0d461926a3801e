import { randomUUID } from 'node:crypto';
import { sql, type DatabasePool } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { EventAccepted } from '../../events/domain/messages.ts';
import { dropIsolation, eventually, isolatedConfig } from '../../../test/support/mittr.ts';
import { Appender } from '../kafka/appender.ts';
import { createKafka, ensureTopics } from '../kafka/client.ts';
import { Serde } from '../kafka/serde.ts';
import { createProjectionDb, migrate } from '../postgres/db.ts';
import { ProjectionRunner, type Projection } from './runner.ts';

/**
 * Projections sharing one runner (one consumer, one transaction a batch) each keep their own
 * checkpoints: every record applies exactly once to each, and one added later starts from the
 * beginning of the log while the others go on from where they were.
 */
describe('a projection runner carrying several projections', () => {
  const config = isolatedConfig();
  const topic = `${config.topicPrefix}events`;
  const kafka = createKafka(config, 'runner-spec');
  const serde = new Serde(config.registryUrl);
  const appender = new Appender(kafka, serde);
  let db: DatabasePool;

  /** A projection that counts every record it is given (no deduplication: a second apply shows). */
  const counting = (name: string, types?: readonly string[]): Projection => ({
    name, topics: [topic], tables: ['runner_spec_counts'], ...(types ? { types } : {}),
    async apply(tx, events) {
      await tx.query(sql.unsafe`
        INSERT INTO runner_spec_counts (projection, applied) VALUES (${name}, ${events.length})
        ON CONFLICT (projection) DO UPDATE SET applied = runner_spec_counts.applied + EXCLUDED.applied`);
    },
  });
  const counts = async () => Object.fromEntries((await db.any(sql.type(z.object({ projection: z.string(), applied: z.number() }))`
    SELECT projection, applied::int AS applied FROM runner_spec_counts`)).map((r) => [r.projection, r.applied]));
  const send = async (n: number) => {
    const projectId = randomUUID();
    const events: EventAccepted[] = Array.from({ length: n }, (_, i) => ({
      type: 'EventAccepted', eventId: randomUUID(), accountId: projectId, projectId, idempotencyKey: `k${i}`,
      destination: 'http://127.0.0.1:9/x', eventType: null, payload: '{}', headers: {}, maxAttempts: 1, priority: 5,
      delaySeconds: 0, createdAt: Date.now(), maxAttemptsSet: false, configOffset: -1,
    }));
    await appender.append(events.map((event, i) => ({ topic, key: `${projectId}-${i % 3}`, event })));
  };

  beforeAll(async () => {
    await serde.registerAll();
    await ensureTopics(kafka, [{ name: topic, partitions: 3, config: {} }]);
    await migrate(config);
    db = await createProjectionDb(config, 4);
    await db.query(sql.unsafe`CREATE TABLE runner_spec_counts (projection text PRIMARY KEY, applied bigint NOT NULL)`);
    await appender.start();
  });
  afterAll(async () => {
    await appender.stop();
    await db?.end();
    await dropIsolation(config);
  });

  it('applies each record once to each projection, and a projection added later catches up from the start', async () => {
    const first = new ProjectionRunner(kafka, serde, db, [counting('a'), counting('skipping', ['EventRouted'])], config.topicPrefix, 'spec');
    await first.start();
    await send(30);
    await eventually(async () => (await counts()).a === 30);
    await first.stop();

    // The same group again, now with a third projection: b reads the whole log, a only what is new.
    const second = new ProjectionRunner(kafka, serde, db, [counting('a'), counting('b'), counting('skipping', ['EventRouted'])], config.topicPrefix, 'spec');
    await second.start();
    await send(20);
    await eventually(async () => { const c = await counts(); return c.a === 50 && c.b === 50; }, 30_000);
    await new Promise((r) => setTimeout(r, 500)); // nothing more arrives late
    await second.stop();
    const c = await counts();
    expect(c).toEqual({ a: 50, b: 50 }); // 'skipping' applies none of these types and so writes nothing
    // Each projection has its checkpoints, past every record of every partition.
    const passed = await db.oneFirst(sql.type(z.object({ n: z.number() }))`
      SELECT coalesce(sum(next_offset), 0)::int AS n FROM projection_checkpoints WHERE projector = 'b'`);
    expect(passed).toBe(50);
  });
});
