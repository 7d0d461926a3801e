import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { Config } from '../services/platform/config/config.ts';
import { freePort, isolatedChildEnv, MittrChild, ROOT } from './support/child.ts';
import { api, dropIsolation, eventually, signup } from './support/mittr.ts';

/**
 * A first boot, as on a new machine: a registry whose storage nobody has written to, a new topic
 * prefix and schema, and three `mittr all` processes started at the same moment (six threads
 * registering the same new subjects at once). Each one becomes healthy on its first try, and
 * the product works through each.
 */
describe('three mittr processes booting at once on an empty registry', () => {
  const database = `mittr_registry_t${randomBytes(4).toString('hex')}`;
  const children: MittrChild[] = [];
  let registry: ChildProcess | undefined;
  let registryLog = '';
  let config: Config | undefined;
  let passed = false;

  afterAll(async () => {
    if (!passed) {
      for (const c of children) console.error(`mittr child ${c.url} (tail):\n${c.tail(40)}`);
      console.error(`registry (tail):\n${registryLog.split('\n').slice(-40).join('\n')}`);
    }
    for (const c of children) await c.kill('SIGKILL');
    if (registry && registry.exitCode === null) {
      registry.kill('SIGTERM');
      await new Promise((r) => { registry!.once('exit', r); setTimeout(r, 15_000).unref(); });
    }
    if (config) await dropIsolation(config);
    const client = new pg.Client({ connectionString: inject('stack').databaseUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await client.end();
  });

  it('starts all three on the first try, and each serves the API', async () => {
    const port = await freePort();
    const registryUrl = `http://127.0.0.1:${port}/apis/ccompat/v7`;
    registry = spawn('bash', [`${ROOT}/scripts/stack`, 'registry-run', String(port), String(await freePort()), database], {
      cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: false,
    });
    const keep = (chunk: Buffer) => { registryLog = (registryLog + chunk.toString('utf8')).slice(-20_000); };
    registry.stdout!.on('data', keep);
    registry.stderr!.on('data', keep);
    await eventually(async () => (await fetch(`${registryUrl}/subjects`, { signal: AbortSignal.timeout(2_000) })).ok, 120_000, 250);
    const subjects = await (await fetch(`${registryUrl}/subjects`)).json();
    expect(subjects).toEqual([]); // nobody has written to this registry

    const isolated = await isolatedChildEnv({ SCHEMA_REGISTRY_URL: registryUrl });
    config = isolated.config;
    for (let i = 0; i < 3; i++) children.push(new MittrChild({ ...isolated.env, PORT: String(await freePort()) }));
    for (const c of children) c.spawn();
    await Promise.all(children.map((c) => c.waitHealthy(90_000)));
    // A child that died after it was healthy shows its own output here, where the failure is reported.
    expect(children.filter((c) => !c.running).map((c) => c.tail(60))).toEqual([]);

    // Every subject is there once, with the compatibility mittr's schema evolution relies on.
    const registered = (await (await fetch(`${registryUrl}/subjects`)).json()) as string[];
    expect(registered.length).toBeGreaterThan(10);
    expect(new Set(registered).size).toBe(registered.length);
    const config0 = (await (await fetch(`${registryUrl}/config/${registered[0]}`)).json()) as { compatibilityLevel: string };
    expect(config0.compatibilityLevel).toBe('BACKWARD');

    for (const c of children) {
      const account = await signup(c.url);
      const me = await eventually(async () => {
        const res = await api(c.url, account.apiKey)('GET', '/api/v1/me');
        return res.status === 200 ? res.body : undefined;
      });
      expect(me.id).toBe(account.id);
    }
    passed = true;
  });
});
