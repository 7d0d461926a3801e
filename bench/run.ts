/**
 * `npm run bench [scenario...] [--quick] [--roles all|split] [--profile] [--keep]`
 *
 * The benchmark harness: brings the loopback stack up (scripts/stack up), then per scenario runs
 * mittr as child process(es) with an isolated topic prefix and Postgres schema, a receiving sink
 * and a load generator each in their own process, and writes bench/results/<scenario>.json and
 * .svg. See bench/README.md for the scenarios, their figures and the targets.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { LoadArgs, LoadResult } from './loadgen.ts';
import {
  dropIsolation, exportRev, freePort, killAll, machineInfo, pgQuery, ProcessMonitor, ROOT, stackUp, STACK, startMittrProcess, startNode, stopChild,
  workingTree, type Child, type Machine, type Source, type TopRow,
} from './lib/procs.ts';
import { LagSampler, maxLag } from './lib/lag.ts';
import { formatSummary, summarizeProfile } from './lib/profile.ts';
import { buckets, overallRate, percentiles, round, sustainedRate } from './lib/stats.ts';
import { chartSvg, type Series } from './lib/svg.ts';

const SCENARIOS = ['ingest-single', 'ingest-batch', 'e2e', 'e2e-latency', 'fanout', 'fifo', 'rebuild'] as const;
type Scenario = (typeof SCENARIOS)[number];
type Opts = { scenarios: Scenario[]; quick: boolean; split: boolean; profile: boolean; keep: boolean; rev: string | null; source: Source };

/** Where results go: bench/results, or MITTR_BENCH_RESULTS (the harness's own smoke test uses a temp dir). */
const RESULTS = process.env.MITTR_BENCH_RESULTS ?? join(ROOT, 'bench', 'results');
const DESTINATIONS = 10;

/** Sizes of each scenario, full and --quick. */
const SIZE = {
  full: {
    single: { durationSec: 20, connections: 32 },
    batch: { durationSec: 20, connections: 8, batchSize: 100 },
    e2e: { total: 50_000, batchSize: 100, concurrency: 8 },
    latency: { ratePerSec: 1_000, durationSec: 30, batchSize: 10, warmupSec: 5 },
    fanout: { events: 1_000, endpoints: 50, concurrency: 16 },
    fifo: { keys: 1_000, perKey: 20, failureRate: 0.1, concurrency: 32 },
    rebuild: { events: 333_334 },
  },
  quick: {
    single: { durationSec: 3, connections: 8 },
    batch: { durationSec: 3, connections: 2, batchSize: 100 },
    e2e: { total: 500, batchSize: 100, concurrency: 2 },
    latency: { ratePerSec: 100, durationSec: 3, batchSize: 10, warmupSec: 1 },
    fanout: { events: 20, endpoints: 50, concurrency: 8 },
    fifo: { keys: 50, perKey: 6, failureRate: 0.1, concurrency: 16 },
    rebuild: { events: 5_000 },
  },
};

type Target = { figure: string; op: '>=' | '<='; value: number; onlyAllRoles?: boolean };
const TARGETS: Record<Scenario, Target[]> = {
  'ingest-single': [],
  'ingest-batch': [{ figure: 'ratioToSingle', op: '>=', value: 10 }],
  e2e: [
    { figure: 'deliveredPerSec', op: '>=', value: 3_000 },
    { figure: 'processingOverheadUs.p50', op: '<=', value: 500 },
    { figure: 'peakRssMb.all', op: '<=', value: 300, onlyAllRoles: true },
  ],
  'e2e-latency': [{ figure: 'latencyMs.p99', op: '<=', value: 250 }],
  fanout: [],
  fifo: [{ figure: 'orderViolations', op: '<=', value: 0 }, { figure: 'lost', op: '<=', value: 0 }],
  rebuild: [{ figure: 'eventsPerSec', op: '>=', value: 20_000 }, { figure: 'identical', op: '>=', value: 1 }],
};

type Figures = Record<string, unknown>;
type Report = {
  scenario: Scenario; startedAt: string; quick: boolean; roles: 'all' | 'split'; machine: Machine;
  settings: Record<string, unknown>; figures: Figures;
  /** The busiest processes on the machine during the measured window (noise check). */
  machineTop: TopRow[];
  targets: Array<{ figure: string; target: string; value: unknown; met: boolean | null }>;
  notes: string[];
};

// ------------------------------------------------------------------------------------------------
// The environment of one scenario: sink, mittr, an account.

type Env = {
  scenario: Scenario; opts: Opts; dir: string; prefix: string; schema: string;
  apiUrl: string; apiKey: string; sinkUrl: string; sink: Child; mittr: Child[]; monitor: ProcessMonitor;
  sinkGet<T>(path: string): Promise<T>;
};

async function json<T>(res: Response): Promise<T> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.status} ${res.url}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

/** Starts mittr (one process, or api / router+schedule / deliver / project) with isolated names. */
function mittrEnv(prefix: string, schema: string, port: number, profileDir: string | null): Record<string, string> {
  return {
    KAFKA_BROKERS: STACK.kafkaBrokers, SCHEMA_REGISTRY_URL: STACK.registryUrl, DATABASE_URL: STACK.databaseUrl,
    KAFKA_TOPIC_PREFIX: prefix, DATABASE_SCHEMA: schema, KAFKA_PARTITIONS: '6',
    MITTR_ALLOW_PRIVATE_NETWORKS: 'true', MITTR_LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port),
    ...(profileDir ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --cpu-prof --cpu-prof-dir=${profileDir}`.trim() } : {}),
  };
}

async function startMittr(opts: Opts, dir: string, prefix: string, schema: string, profileDir: string | null): Promise<{ children: Child[]; apiUrl: string }> {
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

async function withEnv<T>(scenario: Scenario, opts: Opts, sampleEvery: number, warmupEvents: number, fn: (env: Env) => Promise<T>): Promise<T> {
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

async function waitUntil(cond: () => Promise<boolean>, timeoutMs: number, what: string, everyMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await cond()) return;
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

function summarizeProfiles(profileDir: string, children: Child[]): void {
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
async function runLoad(env: Env, args: Omit<LoadArgs, 'apiUrl' | 'apiKey' | 'sinkUrl' | 'out'>, timeoutMs: number): Promise<LoadResult> {
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

// ------------------------------------------------------------------------------------------------
// Delivery accounting: what the load generator got accepted against what the sink received.

type Dump = { ids: string[]; at: number[]; path: number[] };

function deliveries(load: LoadResult, dump: Dump) {
  const ids = load.ids ?? [];
  const createdAt = load.createdAt ?? [];
  const accepted = new Set(ids);
  const first = new Map<string, number>();
  let duplicates = 0;
  let unexpected = 0;
  const perPath = new Array<number>(DESTINATIONS).fill(0);
  for (let i = 0; i < dump.ids.length; i++) {
    const id = dump.ids[i]!;
    if (!accepted.has(id)) { unexpected++; continue; }
    if (first.has(id)) { duplicates++; continue; }
    first.set(id, dump.at[i]!);
    const p = dump.path[i]!;
    if (p >= 0 && p < DESTINATIONS) perPath[p]! += 1;
  }
  const latency: number[] = [];
  const receivedAt: number[] = [];
  ids.forEach((id, i) => {
    const at = first.get(id);
    if (at === undefined) return;
    latency.push(at - createdAt[i]!);
    receivedAt.push(at);
  });
  return { accepted: accepted.size, delivered: first.size, lost: accepted.size - first.size, duplicates, unexpected, latency, receivedAt, perPath };
}

/** Waits until the sink holds every accepted event, or progress stalls, or `timeoutMs` passes. */
async function drain(env: Env, expected: number, timeoutMs: number, stallMs = 60_000): Promise<{ drained: boolean; ms: number }> {
  const t0 = Date.now();
  let last = -1;
  let lastChange = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    const s = await env.sinkGet<{ uniqueIds: number }>('/__bench/stats');
    if (s.uniqueIds >= expected) return { drained: true, ms: Date.now() - t0 };
    if (s.uniqueIds !== last) { last = s.uniqueIds; lastChange = Date.now(); }
    if (Date.now() - lastChange > stallMs) break;
    await sleep(200);
  }
  return { drained: false, ms: Date.now() - t0 };
}

/**
 * Projection lag, sampled: the sink keeps every n-th receipt (id, time); this loop polls the
 * events read model (the row GET /api/v1/events/{id} answers) every ~25 ms for the sampled ids
 * and records, per id, the time of the first poll that saw it `delivered` minus its receipt at
 * the sink. An upper bound with a resolution of one poll (~25-40 ms).
 */
function projectionLagSampler(env: Env, graceMs: number) {
  const lags: number[] = [];
  const pending = new Map<string, number>();
  let stopAt = 0;
  const done = (async () => {
    const client = new pg.Client({ connectionString: STACK.databaseUrl });
    await client.connect();
    let from = 0;
    const hardDeadline = Date.now() + 30 * 60_000;
    try {
      while (Date.now() < hardDeadline) {
        if (stopAt && (pending.size === 0 || Date.now() > stopAt + graceMs)) break;
        const s = await env.sinkGet<{ next: number; samples: Array<[string, number]> }>(`/__bench/samples?from=${from}`);
        from = s.next;
        for (const [id, at] of s.samples) pending.set(id, at);
        if (pending.size > 0) {
          const tq = Date.now();
          const rows = (await client.query<{ id: string }>(
            `SELECT id::text AS id FROM "${env.schema}".events WHERE id = ANY($1::uuid[]) AND status = 'delivered'`, [[...pending.keys()]],
          )).rows;
          for (const r of rows) {
            lags.push(tq - pending.get(r.id)!);
            pending.delete(r.id);
          }
        }
        await sleep(25);
      }
    } finally {
      await client.end();
    }
  })();
  return {
    async finish() {
      stopAt = Date.now();
      await done;
      return { lags, unresolved: pending.size };
    },
  };
}

/**
 * Waits (bounded) until the read models hold every delivery: `delivery_attempts` rows and
 * `events` rows showing `delivered`; then reads the processing overhead of the run's attempts.
 */
async function readModels(env: Env, since: number, delivered: number, lastReceipt: number, timeoutMs = 300_000) {
  const where = `outcome = 'success' AND event_created_at >= to_timestamp(${since} / 1000.0)`;
  const caughtUp = { deliveryAttempts: 0, eventsDelivered: 0 };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && (!caughtUp.deliveryAttempts || !caughtUp.eventsDelivered)) {
    const [r] = await pgQuery<{ attempts: string; events: string }>(`
      SELECT (SELECT count(*) FROM "${env.schema}".delivery_attempts WHERE ${where}) AS attempts,
             (SELECT count(*) FROM "${env.schema}".events WHERE status = 'delivered' AND created_at >= to_timestamp(${since} / 1000.0)) AS events`);
    const now = Date.now();
    if (!caughtUp.deliveryAttempts && Number(r?.attempts ?? 0) >= delivered) caughtUp.deliveryAttempts = now;
    if (!caughtUp.eventsDelivered && Number(r?.events ?? 0) >= delivered) caughtUp.eventsDelivered = now;
    await sleep(100);
  }
  const [row] = await pgQuery<{ p50: string | null; p99: string | null; n: string }>(`
    SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY processing_overhead_us) AS p50,
           percentile_disc(0.99) WITHIN GROUP (ORDER BY processing_overhead_us) AS p99, count(*) AS n
    FROM "${env.schema}".delivery_attempts WHERE ${where}`);
  const after = (t: number) => (t ? Math.max(0, t - lastReceipt) : null);
  return {
    processingOverheadUs: { p50: Number(row?.p50 ?? Number.NaN), p99: Number(row?.p99 ?? Number.NaN) },
    projectedAttempts: Number(row?.n ?? 0),
    /** From the last receipt at the sink until each read model held every delivery (null: not within the wait). */
    projectionCatchUpMs: { deliveryAttempts: after(caughtUp.deliveryAttempts), eventsDelivered: after(caughtUp.eventsDelivered) },
  };
}

const mittrNames = (env: Env) => env.mittr.map((c) => c.name);

// ------------------------------------------------------------------------------------------------
// Scenarios.

type Outcome = { settings: Record<string, unknown>; figures: Figures; svg: string; notes: string[]; machineTop?: TopRow[] };

async function ingest(env: Env, mode: 'single' | 'batch', singleRate: { value: number; basis: string } | null): Promise<Outcome> {
  const size = env.opts.quick ? SIZE.quick : SIZE.full;
  const s = mode === 'single' ? size.single : size.batch;
  env.monitor.mark();
  const r = await runLoad(env, { mode, ...s }, (s.durationSec + 120) * 1000);
  env.monitor.stop();
  const seconds = (r.finishedAt - r.startedAt) / 1000;
  const eventsPerSec = (r.okRequests * r.eventsPerRequest) / seconds;
  const latencyMs = percentiles(r.latencyMs);
  const figures: Figures = {
    eventsPerSec: round(eventsPerSec, 0),
    latencyMs,
    requestsPerSec: round(r.okRequests / seconds, 0),
    requests: r.requests,
    non201: Object.entries(r.statusCounts).filter(([c]) => c !== '201').reduce((n, [, v]) => n + v, 0),
    errors: r.errors,
    loadgen: r.self,
  };
  const notes: string[] = [];
  if (mode === 'batch') {
    figures.ratioToSingle = singleRate ? round(eventsPerSec / singleRate.value, 1) : null;
    if (singleRate) notes.push(`ratioToSingle against ingest-single ${singleRate.value} events/s (${singleRate.basis})`);
    else notes.push('ratioToSingle: no ingest-single result of the same mode to compare with; run `npm run bench ingest-single ingest-batch`');
  }
  figures.cpu = env.monitor.cpu([...mittrNames(env), 'sink']);
  figures.machineCoresBusy = env.monitor.machineCoresBusy();
  figures.peakRssMb = env.monitor.peakRssMb(mittrNames(env));
  const perSecond = buckets(r.doneAt, r.startedAt).map((n) => n * r.eventsPerRequest);
  const svg = chartSvg({
    title: `mittr ${env.scenario}: ${figures.eventsPerSec} events/s accepted`,
    subtitle: `POST ${mode === 'single' ? '/api/v1/events' : `/api/v1/events/batch (${s.connections} connections × ${size.batch.batchSize} events)`}, ${s.connections} connections, ${s.durationSec} s; latency of 201 responses`,
    latency: { label: 'API response time', values: r.latencyMs, marks: latencyMs },
    throughput: { label: 'events accepted', series: [{ name: 'accepted events/s', color: '#4c78a8', perSecond }] },
  });
  return { settings: { ...s, endpoint: mode === 'single' ? 'POST /api/v1/events' : 'POST /api/v1/events/batch' }, figures, svg, notes, machineTop: env.monitor.machineTop() };
}

async function e2e(env: Env): Promise<Outcome> {
  const s = env.opts.quick ? SIZE.quick.e2e : SIZE.full.e2e;
  const sampler = projectionLagSampler(env, 10_000);
  const lagSampler = new LagSampler(env.prefix, env.schema);
  await lagSampler.start();
  env.monitor.mark();
  const load = await runLoad(env, { mode: 'bulk', ...s, destinations: DESTINATIONS, durationSec: 900 }, 1_000_000);
  const accepted = load.ids?.length ?? 0;
  const dr = await drain(env, accepted, 300_000);
  env.monitor.stop();
  const dump = await env.sinkGet<Dump>('/__bench/dump');
  const d = deliveries(load, dump);
  const lastReceipt = d.receivedAt.reduce((a, b) => Math.max(a, b), 0);
  // Waits (bounded) for the read models to hold every delivery; the lag sampler keeps polling meanwhile.
  const over = await readModels(env, load.startedAt, d.delivered, lastReceipt);
  const lag = await sampler.finish();
  const lagTimeline = await lagSampler.stop();
  const machineBusy = env.monitor.machineCoresBusy();
  const mittrCpu = Object.values(env.monitor.cpu(mittrNames(env))).reduce((sum, c) => sum + c.cpuSec, 0);
  const latencyMs = percentiles(d.latency);
  const lagP = percentiles(lag.lags, 0);
  const figures: Figures = {
    events: accepted,
    deliveredPerSec: round(sustainedRate(d.receivedAt), 0),
    deliveredPerSecOverall: round(overallRate(d.receivedAt), 0),
    acceptedPerSec: round(accepted / ((load.finishedAt - load.startedAt) / 1000), 0),
    latencyMs,
    processingOverheadUs: over.processingOverheadUs,
    projectionLagMs: { p50: lagP.p50, p99: lagP.p99, samples: lag.lags.length, unresolved: lag.unresolved },
    projectionCatchUpMs: over.projectionCatchUpMs,
    peakRssMb: env.monitor.peakRssMb(mittrNames(env)),
    cpu: env.monitor.cpu([...mittrNames(env), 'sink']),
    machineCoresBusy: machineBusy,
    cpuMsPerEvent: {
      mittr: round((mittrCpu * 1000) / Math.max(1, d.delivered), 2),
      machine: machineBusy === null ? null : round((machineBusy * env.monitor.windowSec() * 1000) / Math.max(1, d.delivered), 2),
    },
    maxConsumerLag: maxLag(lagTimeline),
    lost: d.lost,
    duplicates: d.duplicates,
    rejected: Object.entries(load.statusCounts).filter(([c]) => c !== '201').reduce((n, [, v]) => n + v, 0) * s.batchSize + load.errors * s.batchSize,
    perDestination: d.perPath,
    loadgen: load.self,
  };
  const notes = [
    'deliveredPerSec: the middle 90 % of first receipts at the sink (5th to 95th percentile of their times) over the time they took; deliveredPerSecOverall: all receipts from first to last',
    'latencyMs: first receipt at the sink minus the event createdAt from the 201 response, while 50k events are pushed as fast as the API takes them (queueing included)',
    'projectionLagMs: time from receipt at the sink until the events read model (what GET /api/v1/events/{id} reads) shows status delivered, on every n-th receipt, polled every ~25 ms (upper bound, ~30 ms resolution)',
    'processingOverheadUs: delivery_attempts.processing_overhead_us of the successful attempts (the engine\'s time around the HTTP call)',
    'cpuMsPerEvent: CPU time per delivered event over the measured window (load until drained), of the mittr processes and of the whole machine (machineCoresBusy x window / delivered)',
    'maxConsumerLag: the largest lag (records) of each consumer group of the run, sampled every second until the read models caught up; the SVG plots it over time',
  ];
  if (!dr.drained) notes.push(`the sink had not received every accepted event when the drain stopped after ${dr.ms} ms`);
  if (load.errorSamples.length) notes.push(`load errors: ${load.errorSamples.join(' | ')}`);
  const t0 = load.startedAt;
  const series: Series[] = [
    { name: 'accepted events/s (API)', color: '#9ecae1', perSecond: buckets(load.doneAt, t0).map((n) => n * s.batchSize) },
    { name: 'delivered/s (sink receipts)', color: '#e6550d', perSecond: buckets(d.receivedAt, t0) },
  ];
  const svg = chartSvg({
    title: `mittr e2e: ${figures.deliveredPerSec} deliveries/s sustained, ${accepted} events to ${DESTINATIONS} destinations`,
    subtitle: `batches of ${s.batchSize}, ${s.concurrency} in flight; creation-to-receipt p50 ${latencyMs.p50} / p95 ${latencyMs.p95} / p99 ${latencyMs.p99} ms; lost ${d.lost}, duplicates ${d.duplicates}`,
    latency: { label: 'creation-to-receipt latency', values: d.latency, marks: latencyMs },
    throughput: { label: 'events', series, target: 3_000 },
    lag: lagTimeline,
  });
  return { settings: { ...s, destinations: DESTINATIONS, projectionLagSampleEvery: sampleEveryFor(s.total) }, figures, svg, notes, machineTop: env.monitor.machineTop() };
}

async function e2eLatency(env: Env): Promise<Outcome> {
  const { warmupSec, ...s } = env.opts.quick ? SIZE.quick.latency : SIZE.full.latency;
  // The rate itself first, unmeasured: a process that has been idle since boot compiles its hot
  // paths, grows its heap and opens its connections in the first seconds at 1,000/s. That ramp
  // is reported on its own (warmupLatencyMs); latencyMs is the latency at the rate.
  const warm = await runLoad(env, { mode: 'paced', ...s, durationSec: warmupSec, destinations: DESTINATIONS, maxInFlight: 256 }, (warmupSec + 180) * 1000);
  const warmAccepted = warm.ids?.length ?? 0;
  await drain(env, warmAccepted, 120_000);
  const warmupLatencyMs = percentiles(deliveries(warm, await env.sinkGet<Dump>('/__bench/dump')).latency);
  await fetch(`${env.sinkUrl}/__bench/reset`, { method: 'POST' });
  const lagSampler = new LagSampler(env.prefix, env.schema);
  await lagSampler.start();
  env.monitor.mark();
  const load = await runLoad(env, { mode: 'paced', ...s, destinations: DESTINATIONS, maxInFlight: 256 }, (s.durationSec + 180) * 1000);
  const accepted = load.ids?.length ?? 0;
  const dr = await drain(env, accepted, 120_000);
  env.monitor.stop();
  const dump = await env.sinkGet<Dump>('/__bench/dump');
  const d = deliveries(load, dump);
  const over = await readModels(env, load.startedAt, d.delivered, d.receivedAt.reduce((a, b) => Math.max(a, b), 0), 120_000);
  const lagTimeline = await lagSampler.stop();
  const latencyMs = percentiles(d.latency);
  const sendLag = percentiles(load.sendLagMs ?? []);
  const figures: Figures = {
    targetRatePerSec: s.ratePerSec,
    achievedRatePerSec: round(accepted / s.durationSec, 0),
    events: accepted,
    latencyMs,
    warmupLatencyMs,
    apiLatencyMs: percentiles(load.latencyMs),
    lost: d.lost,
    duplicates: d.duplicates,
    skippedBatches: load.skippedBatches ?? 0,
    generatorSendLagMs: { p99: sendLag.p99 },
    processingOverheadUs: over.processingOverheadUs,
    projectionCatchUpMs: over.projectionCatchUpMs,
    maxConsumerLag: maxLag(lagTimeline),
    peakRssMb: env.monitor.peakRssMb(mittrNames(env)),
    cpu: env.monitor.cpu([...mittrNames(env), 'sink']),
    machineCoresBusy: env.monitor.machineCoresBusy(),
    loadgen: load.self,
  };
  const notes = [
    `latencyMs: first receipt at the sink minus the event createdAt from the 201 response, at a fixed ${s.ratePerSec} events/s (batches of ${s.batchSize} every ${(s.batchSize * 1000) / s.ratePerSec} ms), after ${warmupSec} s at that rate`,
    `warmupLatencyMs: the same over those first ${warmupSec} s (${warmAccepted} events), from an idle process to the rate`,
    'generatorSendLagMs: how late the load generator sent its batches against the schedule (its own health, not mittr\'s)',
  ];
  if (!dr.drained) notes.push(`the sink had not received every accepted event when the drain stopped after ${dr.ms} ms`);
  if (load.errorSamples.length) notes.push(`load errors: ${load.errorSamples.join(' | ')}`);
  const svg = chartSvg({
    title: `mittr e2e-latency: p99 ${latencyMs.p99} ms creation-to-receipt at ${s.ratePerSec} events/s`,
    subtitle: `${accepted} events over ${s.durationSec} s, batches of ${s.batchSize}; p50 ${latencyMs.p50} / p95 ${latencyMs.p95} ms; lost ${d.lost}, duplicates ${d.duplicates}`,
    latency: { label: 'creation-to-receipt latency', values: d.latency, marks: latencyMs },
    throughput: {
      label: 'events',
      series: [
        { name: 'accepted events/s (API)', color: '#9ecae1', perSecond: buckets(load.doneAt, load.startedAt).map((n) => n * s.batchSize) },
        { name: 'delivered/s (sink receipts)', color: '#e6550d', perSecond: buckets(d.receivedAt, load.startedAt) },
      ],
    },
    lag: lagTimeline,
  });
  return { settings: { ...s, destinations: DESTINATIONS }, figures, svg, notes, machineTop: env.monitor.machineTop() };
}

const sampleEveryFor = (total: number) => Math.max(1, Math.floor(total / 200));

type FullDump = Dump & { route: number[]; ok: number[]; routes: string[] };
type SinkStats = { uniqueIds: number; okUnique: number; failed: number; violations: number; violationSamples: string[] };

async function call<T>(env: Env, method: string, path: string, body?: unknown): Promise<T> {
  return json<T>(await fetch(`${env.apiUrl}${path}`, {
    method, headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), 'x-api-key': env.apiKey },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  }));
}

/** Waits until the sink has answered `expected` distinct route+event pairs 2xx, or progress stalls. */
async function drainOk(env: Env, expected: number, timeoutMs: number, stallMs = 60_000): Promise<{ drained: boolean; ms: number }> {
  const t0 = Date.now();
  let last = -1;
  let lastChange = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    const s = await env.sinkGet<SinkStats>('/__bench/stats');
    if (s.okUnique >= expected) return { drained: true, ms: Date.now() - t0 };
    if (s.okUnique !== last) { last = s.okUnique; lastChange = Date.now(); }
    if (Date.now() - lastChange > stallMs) break;
    await sleep(200);
  }
  return { drained: false, ms: Date.now() - t0 };
}

/** Per route of the sink: first 2xx receipt per event, attempts, duplicates (2xx beyond the first). */
function okByRoute(dump: FullDump) {
  const byRoute = new Map<string, { first: Map<string, number>; attempts: number; duplicates: number }>();
  for (let i = 0; i < dump.ids.length; i++) {
    const name = dump.routes[dump.route[i]!] ?? '?';
    const r = byRoute.get(name) ?? { first: new Map<string, number>(), attempts: 0, duplicates: 0 };
    byRoute.set(name, r);
    r.attempts++;
    if (!dump.ok[i]) continue;
    if (r.first.has(dump.ids[i]!)) r.duplicates++;
    else r.first.set(dump.ids[i]!, dump.at[i]!);
  }
  return byRoute;
}

async function fanout(env: Env): Promise<Outcome> {
  const s = env.opts.quick ? SIZE.quick.fanout : SIZE.full.fanout;
  for (let i = 0; i < s.endpoints; i++) {
    await call(env, 'POST', '/api/v1/endpoints', { url: `${env.sinkUrl}/f${i}`, eventTypes: ['bench.fanout'] });
  }
  await sleep(1_000); // the endpoints reach the router's configuration
  env.monitor.mark();
  const load = await runLoad(env, { mode: 'typed', eventTypes: ['bench.fanout'], keys: s.events, perKey: 1, concurrency: s.concurrency }, 600_000);
  const accepted = load.ids?.length ?? 0;
  const dr = await drainOk(env, accepted * s.endpoints, 600_000);
  env.monitor.stop();
  const dump = await env.sinkGet<FullDump>('/__bench/dump');
  const created = new Map((load.ids ?? []).map((id, i) => [id, load.createdAt![i]!]));
  const receivedAt: number[] = [];
  const latency: number[] = [];
  let duplicates = 0;
  let delivered = 0;
  for (const [route, r] of okByRoute(dump)) {
    if (!route.startsWith('/f')) continue;
    duplicates += r.duplicates;
    for (const [id, at] of r.first) {
      const c = created.get(id);
      if (c === undefined) continue;
      delivered++;
      receivedAt.push(at);
      latency.push(at - c);
    }
  }
  const latencyMs = percentiles(latency);
  const figures: Figures = {
    events: accepted, endpoints: s.endpoints, deliveries: delivered,
    deliveredPerSec: round(sustainedRate(receivedAt), 0),
    deliveredPerSecOverall: round(overallRate(receivedAt), 0),
    latencyMs,
    lost: accepted * s.endpoints - delivered,
    duplicates,
    peakRssMb: env.monitor.peakRssMb(mittrNames(env)),
    cpu: env.monitor.cpu([...mittrNames(env), 'sink']),
    machineCoresBusy: env.monitor.machineCoresBusy(),
  };
  const notes = [
    `${accepted} events of type bench.fanout, each routed to ${s.endpoints} subscribed endpoints (POST /api/v1/events, ${s.concurrency} in flight)`,
    'deliveredPerSec: the middle 90 % of first 2xx receipts per endpoint and event over the time they took; lost: endpoint-event pairs never answered 2xx',
  ];
  if (!dr.drained) notes.push(`the sink had not received every delivery when the drain stopped after ${dr.ms} ms`);
  if (load.errorSamples.length) notes.push(`load errors: ${load.errorSamples.join(' | ')}`);
  const svg = chartSvg({
    title: `mittr fanout: ${figures.deliveredPerSec} deliveries/s, ${accepted} events × ${s.endpoints} endpoints`,
    subtitle: `creation-to-receipt p50 ${latencyMs.p50} / p95 ${latencyMs.p95} / p99 ${latencyMs.p99} ms; lost ${String(figures.lost)}, duplicates ${duplicates}`,
    latency: { label: 'creation-to-receipt latency', values: latency, marks: latencyMs },
    throughput: {
      label: 'events',
      series: [
        { name: 'accepted events/s (API)', color: '#9ecae1', perSecond: buckets(load.doneAt, load.startedAt) },
        { name: 'delivered/s (sink receipts)', color: '#e6550d', perSecond: buckets(receivedAt, load.startedAt) },
      ],
    },
  });
  return { settings: s, figures, svg, notes, machineTop: env.monitor.machineTop() };
}

/**
 * FIFO against non-FIFO in one run: two endpoints with the same injected failure rate; the events
 * of each are accepted while its endpoint is paused, then it is resumed and drained alone, so the
 * rates compare delivery, not ingestion. The FIFO receiver checks per-key order on every attempt.
 */
async function fifo(env: Env): Promise<Outcome> {
  const s = env.opts.quick ? SIZE.quick.fifo : SIZE.full.fifo;
  const common = { retryBackoffMs: 100, retryBackoffMax: 1_000, maxRetries: 25, circuitThreshold: 0 };
  const fifoEp = await call<{ id: string }>(env, 'POST', '/api/v1/endpoints',
    { ...common, url: `${env.sinkUrl}/fifo?fail=${s.failureRate}&order=1`, eventTypes: ['bench.fifo'], fifo: true, fifoPartitionKey: '$.data.key' });
  const plainEp = await call<{ id: string }>(env, 'POST', '/api/v1/endpoints',
    { ...common, url: `${env.sinkUrl}/plain?fail=${s.failureRate}`, eventTypes: ['bench.plain'] });
  for (const ep of [fifoEp, plainEp]) await call(env, 'POST', `/api/v1/endpoints/${ep.id}/pause`);
  await sleep(1_000);
  const load = await runLoad(env, { mode: 'typed', eventTypes: ['bench.fifo', 'bench.plain'], keys: s.keys, perKey: s.perKey, concurrency: s.concurrency }, 1_800_000);
  const perType = [0, 0];
  for (const t of load.typeOf ?? []) perType[t]!++;
  const idsOf = (t: number) => new Set((load.ids ?? []).filter((_, i) => load.typeOf![i] === t));

  const phase = async (ep: { id: string }, route: string, expectedOk: number) => {
    const before = (await env.sinkGet<SinkStats>('/__bench/stats')).okUnique;
    env.monitor.mark();
    const resumedAt = Date.now();
    await call(env, 'POST', `/api/v1/endpoints/${ep.id}/resume`);
    const dr = await drainOk(env, before + expectedOk, 900_000);
    env.monitor.stop();
    const r = okByRoute(await env.sinkGet<FullDump>('/__bench/dump')).get(route);
    const at = [...(r?.first.values() ?? [])];
    return {
      resumedAt, drained: dr.drained,
      figures: {
        deliveredPerSec: round(sustainedRate(at), 0), deliveredPerSecOverall: round(overallRate(at), 0),
        resumeToAllMs: dr.drained ? dr.ms : null, attempts: r?.attempts ?? 0, duplicates: r?.duplicates ?? 0,
        delivered: r?.first.size ?? 0,
      },
      first: r?.first ?? new Map<string, number>(),
      perSecond: buckets(at, resumedAt),
      cores: env.monitor.cpu(mittrNames(env)),
    };
  };
  // Non-FIFO first, then FIFO, each alone on the machine.
  const plain = await phase(plainEp, '/plain', perType[1]!);
  const ordered = await phase(fifoEp, '/fifo', perType[0]!);
  const stats = await env.sinkGet<SinkStats>('/__bench/stats');
  const lostFifo = [...idsOf(0)].filter((id) => !ordered.first.has(id)).length;
  const lostPlain = [...idsOf(1)].filter((id) => !plain.first.has(id)).length;
  const figures: Figures = {
    keys: s.keys, eventsPerKey: s.perKey, failureRate: s.failureRate,
    deliveredPerSec: ordered.figures.deliveredPerSec,
    nonFifoDeliveredPerSec: plain.figures.deliveredPerSec,
    fifoToNonFifo: plain.figures.deliveredPerSec ? round(Number(ordered.figures.deliveredPerSec) / Number(plain.figures.deliveredPerSec), 2) : null,
    orderViolations: stats.violations,
    lost: lostFifo + lostPlain,
    duplicates: ordered.figures.duplicates + plain.figures.duplicates,
    injectedFailures: stats.failed,
    fifo: ordered.figures,
    nonFifo: plain.figures,
    peakRssMb: env.monitor.peakRssMb(mittrNames(env)),
    acceptedPerSec: round((load.ids?.length ?? 0) / ((load.finishedAt - load.startedAt) / 1000), 0),
  };
  const notes = [
    `${s.keys} keys × ${s.perKey} events to a FIFO endpoint (fifoPartitionKey $.data.key) and the same count to a non-FIFO endpoint; ${s.failureRate * 100}% of attempts answered 503 by the sink`,
    'each endpoint is paused while its events are accepted, then resumed and drained alone: deliveredPerSec (FIFO) and nonFifoDeliveredPerSec are the middle 90 % of first 2xx receipts over the time they took',
    'orderViolations: attempts the FIFO receiver saw for seq n of a key before seqs 0..n-1 of that key had each been answered 2xx',
  ];
  if (!plain.drained || !ordered.drained) notes.push('a phase stopped before every event was delivered (see lost)');
  if (stats.violationSamples.length) notes.push(`violations: ${stats.violationSamples.join(' | ')}`);
  if (load.errorSamples.length) notes.push(`load errors: ${load.errorSamples.join(' | ')}`);
  const latency = [...ordered.first.values()].map((at) => at - ordered.resumedAt);
  const marks = percentiles(latency);
  const svg = chartSvg({
    title: `mittr fifo: ${String(figures.deliveredPerSec)} deliveries/s FIFO (${s.keys} keys) vs ${String(figures.nonFifoDeliveredPerSec)} non-FIFO`,
    subtitle: `${s.failureRate * 100}% injected failures; order violations ${stats.violations}; lost ${String(figures.lost)}`,
    latency: { label: 'FIFO: time from resume to first 2xx receipt', values: latency, marks },
    throughput: {
      label: 'deliveries after resume',
      series: [
        { name: 'non-FIFO delivered/s', color: '#9ecae1', perSecond: plain.perSecond },
        { name: 'FIFO delivered/s', color: '#e6550d', perSecond: ordered.perSecond },
      ],
    },
  });
  return { settings: s, figures, svg, notes, machineTop: env.monitor.machineTop() };
}

/**
 * Rebuild from the log: a history of `events` delivered webhook events (three domain events each)
 * is written to the run's topics, a projector-only mittr builds the live read models from it, then
 * `mittr rebuild --verify` replays the whole log into a shadow schema and compares every table.
 */
async function rebuildScenario(env: Env): Promise<Outcome> {
  const s = env.opts.quick ? SIZE.quick.rebuild : SIZE.full.rebuild;
  const me = await call<{ id: string; projectId: string }>(env, 'GET', '/api/v1/me');
  // Only the projector runs from here: nothing routes or delivers the written history again.
  for (const c of env.mittr) await stopChild(c);
  const projEnv = mittrEnv(env.prefix, env.schema, await freePort(), null);
  const project = startMittrProcess('project', ['project'], projEnv, join(env.dir, 'mittr-project.log'), env.opts.source.dir);
  env.mittr.push(project);
  await project.waitForLine(/^mittr \S+ started/, 180_000);
  env.monitor.watch('project', project.pid);

  const out = join(env.dir, 'rebuild-gen.json');
  const gen = startNode('rebuild-gen', ['bench/rebuild-gen.ts', JSON.stringify({
    brokers: STACK.kafkaBrokers.split(','), registryUrl: STACK.registryUrl, prefix: env.prefix, accountId: me.id, projectId: me.projectId,
    url: `${env.sinkUrl}/d0`, events: s.events, out,
  })], {}, join(env.dir, 'rebuild-gen.log'));
  const code = await Promise.race([gen.exited, sleep(1_800_000).then(() => 'timeout' as const)]);
  if (code !== 0) { await stopChild(gen, 2_000); throw new Error(`rebuild-gen failed (${String(code)}):\n${gen.tail.join('\n')}`); }
  const written = JSON.parse(readFileSync(out, 'utf8')) as { records: number; events: number; seconds: number };

  // The live projector catches up: every attempt recorded and every written event delivered. The
  // attempts alone were not enough: they come from the outcomes topic, and the events topic (the
  // acceptances and routings the status depends on) may still be behind then.
  const tl = Date.now();
  const caughtUp = async () => {
    const [row] = await pgQuery<{ attempts: string; events: string; pending: string }>(`SELECT
      (SELECT count(*) FROM "${env.schema}".delivery_attempts) AS attempts,
      (SELECT count(*) FROM "${env.schema}".events) AS events,
      (SELECT count(*) FROM "${env.schema}".events WHERE status <> 'delivered') AS pending`);
    return Number(row?.attempts ?? 0) >= written.events && Number(row?.events ?? 0) >= written.events && Number(row?.pending ?? 1) === 0;
  };
  await waitUntil(caughtUp, 3_600_000, 'the live projection to catch up', 1_000);
  const liveSec = (Date.now() - tl) / 1000;

  env.monitor.mark();
  const rb = startMittrProcess('rebuild', ['rebuild', '--verify'], projEnv, join(env.dir, 'mittr-rebuild.log'), env.opts.source.dir);
  env.monitor.watch('rebuild', rb.pid);
  const rbCode = await Promise.race([rb.exited, sleep(3_600_000).then(() => 'timeout' as const)]);
  env.monitor.stop();
  const log = readFileSync(join(env.dir, 'mittr-rebuild.log'), 'utf8');
  const at = log.lastIndexOf('{\n  "schema"');
  if (at < 0) { await stopChild(rb, 2_000); throw new Error(`rebuild printed no result (exit ${String(rbCode)}):\n${rb.tail.join('\n')}`); }
  const result = JSON.parse(log.slice(at, log.indexOf('\n}', at) + 2)) as { events: number; seconds: number; eventsPerSec: number; identical?: boolean; tables?: Record<string, boolean> };
  const figures: Figures = {
    eventsPerSec: result.eventsPerSec,
    identical: result.identical ?? false,
    records: result.events,
    seconds: round(result.seconds, 1),
    tables: result.tables ?? {},
    webhookEvents: written.events,
    historyWrittenPerSec: round(written.records / written.seconds, 0),
    // The projector ran while the history was written: from the writer's start to the catch-up.
    liveProjectionEventsPerSec: round(written.records / (written.seconds + liveSec), 0),
    liveCatchUpAfterWriterMs: Math.round(liveSec * 1000),
    peakRssMb: env.monitor.peakRssMb(['rebuild', 'project']),
  };
  const notes = [
    `the log holds ${result.events} records: ${written.events} webhook events × (EventAccepted, EventRouted, DeliveryAttempted), plus the run's account records`,
    'eventsPerSec: records replayed per second by `mittr rebuild --verify` into a shadow schema (all projections at once), the comparison not included',
    'identical: every read model table of the rebuild equals the live one, row for row',
    'liveProjectionEventsPerSec: the records over the time from the writer\'s start until the running projector had them all (it projects while the history is written, so this is bounded by the writer); liveCatchUpAfterWriterMs: how long it needed after the writer finished',
  ];
  const svg = chartSvg({
    title: `mittr rebuild: ${result.eventsPerSec} events/s replayed, identical ${String(result.identical)}`,
    subtitle: `${result.events} records in ${round(result.seconds, 1)} s`,
    latency: { label: '(no latency distribution in this scenario)', values: [], marks: percentiles([]) },
    throughput: { label: 'records', series: [] },
  });
  return { settings: s, figures, svg, notes, machineTop: env.monitor.machineTop() };
}

// ------------------------------------------------------------------------------------------------
// Reporting.

function lookup(figures: Figures, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), figures);
}

function judge(scenario: Scenario, opts: Opts, figures: Figures): Report['targets'] {
  return TARGETS[scenario].filter((t) => !t.onlyAllRoles || !opts.split).map((t) => {
    const raw = lookup(figures, t.figure);
    const value = typeof raw === 'boolean' ? Number(raw) : raw;
    // Correctness figures (order, loss, identity) are judged in --quick too; speed is not.
    const correctness = ['orderViolations', 'lost', 'identical'].includes(t.figure);
    const met = (opts.quick && !correctness) || typeof value !== 'number' || !Number.isFinite(value) ? null : t.op === '>=' ? value >= t.value : value <= t.value;
    return { figure: t.figure, target: `${t.op} ${t.value}`, value: raw, met };
  });
}

function flatten(o: unknown, prefix = ''): Array<[string, string]> {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return [[prefix, Array.isArray(o) ? o.join(' ') : String(o)]];
  return Object.entries(o as Record<string, unknown>).flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
}

function printTable(r: Report): void {
  const targets = new Map(r.targets.map((t) => [t.figure, t]));
  const rows = flatten(r.figures).map(([k, v]) => {
    const t = targets.get(k);
    const verdict = !t ? '' : t.met === null ? `${t.target} (not judged)` : `${t.target} ${t.met ? 'MET' : 'MISSED'}`;
    return [k, v, verdict] as const;
  });
  const w0 = Math.max(...rows.map((x) => x[0].length), 6);
  const w1 = Math.max(...rows.map((x) => x[1].length), 5);
  console.log(`\n${r.scenario}${r.quick ? ' (quick: speed not judged)' : ''}, roles ${r.roles}`);
  console.log(`  ${'figure'.padEnd(w0)}  ${'value'.padStart(w1)}  target`);
  for (const [k, v, t] of rows) console.log(`  ${k.padEnd(w0)}  ${v.padStart(w1)}  ${t}`);
  if (r.machineTop.length) {
    console.log('  busiest processes on the machine meanwhile (cores):');
    for (const p of r.machineTop) console.log(`    ${p.coresUsed.toFixed(2).padStart(5)}  ${p.name}`);
  }
}

function readSingleRate(opts: Opts): { value: number; basis: string } | null {
  const file = join(RESULTS, 'ingest-single.json');
  if (!existsSync(file)) return null;
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as Report;
    if (r.quick !== opts.quick || r.roles !== (opts.split ? 'split' : 'all')) return null;
    const v = Number(r.figures.eventsPerSec);
    return Number.isFinite(v) && v > 0 ? { value: v, basis: `bench/results/ingest-single.json of ${r.startedAt}` } : null;
  } catch {
    return null;
  }
}

// ------------------------------------------------------------------------------------------------

function parseArgs(argv: string[]): Opts {
  const opts: Opts = { scenarios: [], quick: false, split: false, profile: false, keep: false, rev: null, source: { dir: ROOT, commit: '' } };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') opts.quick = true;
    else if (a === '--profile') opts.profile = true;
    else if (a === '--keep') opts.keep = true;
    else if (a === '--rev' || a.startsWith('--rev=')) {
      opts.rev = a.includes('=') ? a.slice(a.indexOf('=') + 1) : (argv[++i] ?? '');
      if (!opts.rev) throw new Error('--rev takes a git revision');
    }
    else if (a === '--roles' || a.startsWith('--roles=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v !== 'split' && v !== 'all') throw new Error(`--roles takes all or split (got ${v})`);
      opts.split = v === 'split';
    } else if (a === '--help' || a === '-h') {
      console.log(`usage: npm run bench -- [${SCENARIOS.join('|')}]... [--quick] [--roles all|split] [--profile] [--keep] [--rev <git-rev>]`);
      process.exit(0);
    } else if ((SCENARIOS as readonly string[]).includes(a)) opts.scenarios.push(a as Scenario);
    else throw new Error(`unknown argument ${a} (scenarios: ${SCENARIOS.join(', ')})`);
  }
  if (opts.scenarios.length === 0) opts.scenarios = [...SCENARIOS];
  // ingest-single before ingest-batch, so the ratio compares within this run.
  opts.scenarios = SCENARIOS.filter((s) => opts.scenarios.includes(s));
  return opts;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  mkdirSync(RESULTS, { recursive: true });
  console.log('bench: scripts/stack up');
  stackUp();
  opts.source = opts.rev ? exportRev(opts.rev) : workingTree();
  console.log(`bench: mittr from ${opts.rev ? `${opts.rev} (${opts.source.commit}, exported to ${opts.source.dir})` : `the working tree (${opts.source.commit})`}`);
  const machine = await machineInfo(opts.source);
  console.log(`bench: ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryMb} MB, Node ${machine.node}, Kafka ${machine.kafka}, Postgres ${machine.postgres}, load ${machine.loadAvg1m}`);
  const reports: Report[] = [];
  let singleRate: { value: number; basis: string } | null = null;
  for (const scenario of opts.scenarios) {
    const startedAt = new Date().toISOString();
    const sampleEvery = scenario === 'e2e' ? sampleEveryFor((opts.quick ? SIZE.quick : SIZE.full).e2e.total) : 0;
    const warmup = scenario.startsWith('ingest') ? 1 : DESTINATIONS;
    const outcome = await withEnv(scenario, opts, sampleEvery, warmup, (env) => {
      switch (scenario) {
        case 'ingest-single': return ingest(env, 'single', null);
        case 'ingest-batch': return ingest(env, 'batch', singleRate ?? readSingleRate(opts));
        case 'e2e': return e2e(env);
        case 'e2e-latency': return e2eLatency(env);
        case 'fanout': return fanout(env);
        case 'fifo': return fifo(env);
        case 'rebuild': return rebuildScenario(env);
      }
    });
    if (scenario === 'ingest-single') singleRate = { value: Number(outcome.figures.eventsPerSec), basis: 'this run' };
    const report: Report = {
      scenario, startedAt, quick: opts.quick, roles: opts.split ? 'split' : 'all',
      machine: { ...machine, loadAvg1m: Math.round(os.loadavg()[0]! * 100) / 100 },
      settings: outcome.settings, figures: outcome.figures, machineTop: outcome.machineTop ?? [],
      targets: judge(scenario, opts, outcome.figures), notes: outcome.notes,
    };
    writeFileSync(join(RESULTS, `${scenario}.json`), `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(RESULTS, `${scenario}.svg`), outcome.svg);
    reports.push(report);
    printTable(report);
    console.log(`  -> bench/results/${scenario}.json, bench/results/${scenario}.svg`);
  }
  console.log(`\nbench: ${machine.cores} cores, everything colocated (Kafka, registry, Postgres, mittr, sink, load generator):`
    + ' absolute numbers are noisy; compare ratios within one run.');
  const missed = reports.flatMap((r) => r.targets.filter((t) => t.met === false).map((t) => `${r.scenario} ${t.figure} = ${String(t.value)} (target ${t.target})`));
  if (missed.length) console.log(`bench: targets missed:\n  ${missed.join('\n  ')}`);
}

// kafkajs (the cleanup's admin client) arms a negative timer on Node >= 22; harmless, and noise here.
process.removeAllListeners('warning');
process.on('warning', (w) => { if (w.name !== 'TimeoutNegativeWarning') console.warn(w); });

let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\nbench: ${sig}: stopping child processes (topics bench*. and schemas bench_* of this run stay; drop them by hand)`);
    killAll();
    process.exit(130);
  });
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error('bench failed:', err instanceof Error ? err.message : err);
  killAll();
  process.exit(1);
});
