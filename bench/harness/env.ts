/** The environment of one scenario: sink, mittr, an account, the load generator, and their cleanup. */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProcessMonitor } from '../lib/monitor.ts';
import { startNode, stopChild, type Child } from '../lib/procs.ts';
import { dropIsolation } from '../lib/stack.ts';
import { formatSummary, summarizeProfile } from '../lib/profile.ts';
import type { LoadArgs, LoadResult } from '../load/types.ts';
import { DESTINATIONS, RESULTS, type Opts, type Scenario } from './config.ts';
import { startMittr } from './mittr.ts';

export type Env = {
  scenario: Scenario; opts: Opts; dir: string; prefix: string; schema: string;
  apiUrl: string; apiKey: string; sinkUrl: string; sink: Child; mittr: Child[]; monitor: ProcessMonitor;
  sinkGet<T>(path: string): Promise<T>;
};

export async function json<T>(res: Response): Promise<T> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.status} ${res.url}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

export async function withEnv<T>(scenario: Scenario, opts: Opts, sampleEvery: number, warmupEvents: number, fn: (env: Env) => Promise<T>): Promise<T> {
  const id = randomBytes(4).toString('hex');
  const prefix = `bench${id}.`;
  const schema = `bench_${id}`;
  const dir = mkdtempSync(join(os.tmpdir(), `mittr-bench-${scenario}-`));
  const profileDir = opts.profile ? join(RESULTS, 'profiles', scenario) : null;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  console.log(`\n== ${scenario}${opts.quick ? ' (quick)' : ''}, roles ${opts.split ? 'split' : 'all'}; topics ${prefix}*, schema ${schema}; logs in ${dir}`);
  const monitor = new ProcessMonitor();
  const children: Child[] = [];
  let sink: Child | undefined;
  try {
    sink = startNode('sink', ['bench/sink.ts'], { SINK_SAMPLE_EVERY: String(sampleEvery) }, join(dir, 'sink.log'));
    const sinkPort = (await sink.waitForLine(/^SINK_READY (\d+)/, 60_000))[1];
    const sinkUrl = `http://127.0.0.1:${sinkPort}`;
    const sinkGet = async <R>(path: string) => json<R>(await fetch(`${sinkUrl}${path}`, { signal: AbortSignal.timeout(30_000) }));
    monitor.watch('sink', sink.pid);

    const t0 = Date.now();
    let m: Awaited<ReturnType<typeof startMittr>> | undefined;
    // A boot can fail on a transient broker answer right after the topics were created (seen:
    // NOT_LEADER_FOR_PARTITION from ListOffsets); the topics then exist and a second boot passes.
    for (let attempt = 1; !m; attempt++) {
      try {
        m = await startMittr(opts, dir, prefix, schema, profileDir);
      } catch (err) {
        if (attempt >= 3) throw err;
        console.log(`   mittr boot attempt ${attempt} failed, retrying: ${String(err).split('\n').find((l) => /Error|error/.test(l)) ?? String(err).slice(0, 200)}`);
        await sleep(2_000);
      }
    }
    children.push(...m.children);
    for (const c of m.children) monitor.watch(c.name, c.pid);
    monitor.start(500);
    console.log(`   mittr up in ${((Date.now() - t0) / 1000).toFixed(1)} s (${m.children.map((c) => `${c.name} pid ${c.pid}`).join(', ')})`);

    const account = await json<{ apiKey: string }>(await fetch(`${m.apiUrl}/auth/signup`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `bench-${id}@example.test`, password: 'bench-password-123', companyName: 'mittr bench' }),
    }));

    // Warm-up: the consumer groups have joined and every sink path answers before measuring.
    const tw = Date.now();
    const events = Array.from({ length: warmupEvents }, (_, i) => ({ idempotencyKey: `warmup-${i}`, destination: `${sinkUrl}/d${i % DESTINATIONS}`, payload: { warmup: i } }));
    await json(await fetch(`${m.apiUrl}/api/v1/events/batch`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': account.apiKey }, body: JSON.stringify({ events }),
    }));
    await waitUntil(async () => (await sinkGet<{ uniqueIds: number }>('/__bench/stats')).uniqueIds >= warmupEvents, 120_000, 'warm-up deliveries');
    await sleep(500);
    await json(await fetch(`${sinkUrl}/__bench/reset`, { method: 'POST' }));
    console.log(`   warm-up: ${warmupEvents} event(s) delivered in ${Date.now() - tw} ms`);

    return await fn({ scenario, opts, dir, prefix, schema, apiUrl: m.apiUrl, apiKey: account.apiKey, sinkUrl, sink, mittr: m.children, monitor, sinkGet });
  } catch (err) {
    for (const c of [...children, ...(sink ? [sink] : [])]) {
      if (c.tail.length) console.error(`--- last output of ${c.name} ---\n${c.tail.slice(-15).join('\n')}`);
    }
    throw err;
  } finally {
    monitor.stop();
    await Promise.all(children.map((c) => stopChild(c)));
    if (sink) await stopChild(sink, 5_000);
    if (!opts.keep) await dropIsolation(prefix, schema).catch((err: unknown) => console.error(`   cleanup of ${prefix}/${schema} failed: ${String(err)}`));
    if (profileDir) summarizeProfiles(profileDir, children);
  }
}

export async function waitUntil(cond: () => Promise<boolean>, timeoutMs: number, what: string, everyMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await cond()) return;
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export function summarizeProfiles(profileDir: string, children: Child[]): void {
  const files = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'));
  for (const c of children) {
    const file = files.find((f) => f.includes(`.${c.pid}.`));
    if (!file) {
      console.log(`   profile of ${c.name} (pid ${c.pid}): not written (did it exit cleanly?)`);
      continue;
    }
    const text = formatSummary(summarizeProfile(join(profileDir, file), 30));
    const out = join(profileDir, `${c.name.replace(/\W+/g, '-')}.txt`);
    writeFileSync(out, `${text}\n`);
    console.log(`   profile of ${c.name}: ${join(profileDir, file)}; summary in ${out}`);
  }
}

/** Runs the load generator in its own process and reads what it wrote. */
export async function runLoad(env: Env, args: Omit<LoadArgs, 'apiUrl' | 'apiKey' | 'sinkUrl' | 'out'>, timeoutMs: number): Promise<LoadResult> {
  const out = join(env.dir, `load-${args.mode}.json`);
  const full: LoadArgs = { ...args, apiUrl: env.apiUrl, apiKey: env.apiKey, sinkUrl: env.sinkUrl, out };
  const child = startNode('loadgen', ['bench/loadgen.ts', JSON.stringify(full)], {}, join(env.dir, `loadgen-${args.mode}.log`));
  env.monitor.watch('loadgen', child.pid);
  const code = await Promise.race([child.exited, sleep(timeoutMs).then(() => 'timeout' as const)]);
  if (code === 'timeout') {
    await stopChild(child, 2_000);
    throw new Error(`load generator did not finish within ${timeoutMs} ms`);
  }
  if (code !== 0) throw new Error(`load generator failed (code ${code}):\n${child.tail.join('\n')}`);
  return JSON.parse(readFileSync(out, 'utf8')) as LoadResult;
}

export const mittrNames = (env: Env) => env.mittr.map((c) => c.name);

export async function call<T>(env: Env, method: string, path: string, body?: unknown): Promise<T> {
  return json<T>(await fetch(`${env.apiUrl}${path}`, {
    method, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), 'x-api-key': env.apiKey },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  }));
}
