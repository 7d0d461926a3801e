import { sql } from 'slonik';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { dropIsolation, isolatedConfig } from '../../../test/support/mittr.ts';
import { createDb, migrateOnThread } from './db.ts';

describe('migrations on a thread of their own', () => {
  const config = isolatedConfig();
  afterAll(() => dropIsolation(config));

  it('migrates the schema, and a second run finds nothing to do', async () => {
    await migrateOnThread(config);
    await migrateOnThread(config);
    const db = await createDb(config, 1);
    try {
      const applied = await db.anyFirst(sql.type(z.object({ name: z.string() }))`SELECT name FROM pgmigrations ORDER BY run_on, id`);
      expect(applied[0]).toBe('1700000000000_foundation');
      expect(new Set(applied).size).toBe(applied.length);
      expect(await db.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM projection_checkpoints`)).toBe(0);
    } finally {
      await db.end();
    }
  });

  it('rejects with the reason when the thread cannot migrate', async () => {
    const refused = { ...config, databaseUrl: 'postgres://mittr:mittr@127.0.0.1:1/mittr' };
    await expect(migrateOnThread(refused)).rejects.toThrow(/ECONNREFUSED/);
  });
});
