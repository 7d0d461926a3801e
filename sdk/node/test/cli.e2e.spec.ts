import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, signup, startTestMittr } from '../../../test/support/mittr.ts';
import { RecordingSink } from '../../../test/support/sink.ts';
import { Mittr, verifyWebhook } from '../src/index.ts';
import { verifyWebhook as quickstartSnippet } from './quickstart-snippet.mjs';

const MAIN = join(import.meta.dirname, '..', 'src', 'cli', 'main.ts');
const run = promisify(execFile);

/** mittr-cli as a user runs it: a process of its own, its key in a config file of the test's. */
describe('mittr-cli', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  let account: Awaited<ReturnType<typeof signup>>;
  let mittr: Mittr;
  const local = new RecordingSink();
  let localUrl: string;
  let listener: ChildProcess | undefined;
  // No MITTR_API_KEY / MITTR_BASE_URL: the CLI must read what login stored.
const { MITTR_API_KEY: _k, MITTR_BASE_URL: _u, ...inherited } = process.env;
const cliEnv = { ...inherited, MITTR_CONFIG: join(mkdtempSync(join(tmpdir(), 'mittr-cli-')), 'config.json') };
  const cli = async (...args: string[]) => (await run(process.execPath, [MAIN, ...args], { env: cliEnv, timeout: 60_000 })).stdout;

  beforeAll(async () => {
    env = await startTestMittr();
    account = await signup(env.url);
    mittr = new Mittr({ apiKey: account.apiKey, baseUrl: env.url });
    localUrl = await local.start();
  });
  afterAll(async () => {
    listener?.kill('SIGTERM');
    await local.stop();
    await env?.stop();
  });

  it('logs in with a key, stored in the config file (owner-only)', async () => {
    expect(await cli('login', '--api-key', account.apiKey, '--base-url', env.url)).toMatch(/logged in/);
    const stored = JSON.parse(readFileSync(cliEnv.MITTR_CONFIG, 'utf8')) as { apiKey: string; baseUrl: string };
    expect(stored).toEqual({ apiKey: account.apiKey, baseUrl: env.url });
    expect(statSync(cliEnv.MITTR_CONFIG).mode & 0o077).toBe(0);
  });

  it('sends, gets and lists events, creates and lists endpoints', async () => {
    const created = JSON.parse(await cli('endpoints', 'create', '--url', 'https://cli.example/h', '--event-types', 'cli.a,cli.b')) as { id: string };
    expect(await cli('endpoints', 'list')).toContain(`${created.id}  https://cli.example/h  cli.a,cli.b`);
    const sent = JSON.parse(await cli('events', 'send', '--destination', 'https://cli.example/direct', '--data', '{"from":"cli"}')) as { id: string };
    const got = await eventually(async () => JSON.parse(await cli('events', 'get', sent.id).catch(() => 'null')) as { payload: unknown } | null);
    expect(got.payload).toEqual({ from: 'cli' });
    expect(await cli('events', 'list', '--limit', '5')).toContain(sent.id);
  });

  it('replays several events behind a progress bar', async () => {
    const ids = await Promise.all([1, 2, 3].map(async (i) => (await mittr.events.send({ destination: 'https://cli.example/r', payload: { i } })).id));
    await eventually(async () => (await Promise.all(ids.map((id) => mittr.events.get(id).catch(() => undefined)))).every(Boolean));
    const { stdout, stderr } = await run(process.execPath, [MAIN, 'events', 'replay', ...ids], { env: cliEnv, timeout: 60_000 });
    expect(stdout).toContain('replayed 3 of 3');
    expect(stderr).toMatch(/replaying \[.*\] 3\/3 events/);
  });

  it('tails deliveries as they are attempted', async () => {
    const lines: string[] = [];
    const tail = spawn(process.execPath, [MAIN, 'tail', '--interval', '300'], { env: cliEnv });
    tail.stdout!.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
    try {
      const sent = await mittr.events.send({ destination: `${localUrl}/tailed`, payload: { tail: true } });
      await eventually(async () => lines.some((l) => l.includes(`[${sent.id}]`) && l.includes(`${localUrl}/tailed`) && /success\s+200/.test(l)), 30_000, 200);
    } finally {
      tail.kill('SIGTERM');
    }
  });

  it('listen forwards an event sent to mittr to a local server, signed so that it verifies there, and acks it', async () => {
    const lines: string[] = [];
    listener = spawn(process.execPath, [MAIN, 'listen', '--forward-to', `${localUrl}/webhooks`, '--event-types', 'listen.created'], { env: cliEnv });
    listener.stdout!.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
    listener.stderr!.on('data', (d: Buffer) => lines.push(`stderr: ${d.toString()}`));
    await eventually(async () => lines.some((l) => l.startsWith('Ready!')), 30_000, 100);

    const sent = await mittr.events.send({ eventType: 'listen.created', payload: { orderId: 'ord_9', note: 'ünïcode ✓' } });
    await local.waitFor((r) => r.some((x) => x.headers['x-mittr-event-id'] === sent.id), 60_000);
    const r = local.received.find((x) => x.headers['x-mittr-event-id'] === sent.id)!;
    expect(r.url).toBe('/webhooks');
    expect(JSON.parse(r.body)).toEqual({ orderId: 'ord_9', note: 'ünïcode ✓' });
    // The endpoint listen made has no secret of its own: the workspace's signs, as a push would be.
    const secret = account.signingSecret;
    expect(verifyWebhook({ secret, headers: r.headers, body: r.body, scheme: 'mittr' })).toMatchObject({ valid: true });
    expect(verifyWebhook({ secret, headers: r.headers, body: r.body, scheme: 'standard' })).toMatchObject({ valid: true });
    expect(quickstartSnippet(secret, String(r.headers['x-mittr-signature']), String(r.headers['x-mittr-timestamp']), r.body)).toBe(true);
    expect(() => new Webhook(secret).verify(r.body, { 'webhook-id': String(r.headers['webhook-id']), 'webhook-timestamp': String(r.headers['webhook-timestamp']), 'webhook-signature': String(r.headers['webhook-signature']) })).not.toThrow();

    await eventually(async () => lines.some((l) => l.includes(`<--  [200] POST ${localUrl}/webhooks [${sent.id}]`)), 10_000, 100);
    expect(lines).toContainEqual(expect.stringContaining(`--> listen.created [${sent.id}]`));
    // Acked: the event is delivered, and never forwarded twice.
    await eventually(async () => (await mittr.events.get(sent.id)).status === 'delivered', 30_000, 250);
    expect(local.received.filter((x) => x.headers['x-mittr-event-id'] === sent.id)).toHaveLength(1);

    // A second listen on the same URL reuses the endpoint.
    listener.kill('SIGTERM');
    const endpoints: string[] = [];
    for await (const e of mittr.endpoints.list()) if (e.url === `${localUrl}/webhooks`) endpoints.push(e.id);
    expect(endpoints).toHaveLength(1);
  });
});
