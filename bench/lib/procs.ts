/**
 * Child processes of the benchmark (mittr, the sink, the load generator), their memory and CPU
 * from /proc, the stack, the isolation (topic prefix, DB schema) and the machine description.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

export const STACK = {
  kafkaBrokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
  registryUrl: process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7',
  databaseUrl: process.env.DATABASE_URL ?? 'postgres://mittr:mittr@127.0.0.1:5432/mittr',
};

/** Every child started by the harness, so an interrupted run still stops them. */
const live = new Set<Child>();

export type Child = {
  name: string;
  proc: ChildProcess;
  pid: number;
  /** The last lines of its output, for error messages. */
  tail: string[];
  exited: Promise<number | null>;
  /** Resolves with the first match of `re` in its stdout/stderr, rejects on timeout or exit. */
  waitForLine(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
};

/**
 * Starts `bash scripts/run-node <args>` (the project's Node, which `exec`s: the child's pid is
 * the Node process) in `cwd` with `env`, logging its output to `logFile`.
 */
export function startNode(name: string, args: string[], env: Record<string, string>, logFile: string, cwd = ROOT): Child {
  return startBash(name, [join(ROOT, 'scripts', 'run-node'), ...args], env, logFile, cwd);
}

/**
 * Starts mittr (`<args>`: a role, `all`, `rebuild ...`) the way users do, through the checkout's
 * `scripts/mittr` (its runtime settings); a checkout from before that launcher runs
 * services/main.ts directly. Both `exec` down to Node: the child's pid is mittr's.
 */
export function startMittrProcess(name: string, args: string[], env: Record<string, string>, logFile: string, src: string): Child {
  const launcher = join(src, 'scripts', 'mittr');
  if (existsSync(launcher)) return startBash(name, [launcher, ...args], env, logFile, src);
  return startNode(name, ['services/main.ts', ...args], env, logFile, src);
}

function startBash(name: string, argv: string[], env: Record<string, string>, logFile: string, cwd: string): Child {
  const proc = spawn('bash', argv, {
    cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile);
  const tail: string[] = [];
  const watchers = new Set<(line: string) => void>();
  const onData = (chunk: Buffer) => {
    log.write(chunk);
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      tail.push(line);
      if (tail.length > 40) tail.shift();
      for (const w of watchers) w(line);
    }
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => {
    live.delete(child);
    log.end();
    resolve(code);
  }));
  const child: Child = {
    name, proc, pid: proc.pid ?? -1, tail, exited,
    waitForLine(re, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`${name}: no line matching ${re} within ${timeoutMs} ms\n${tail.join('\n')}`)), timeoutMs);
        const watcher = (line: string) => {
          const m = re.exec(line);
          if (m) done(null, m);
        };
        const done = (err: Error | null, m?: RegExpMatchArray) => {
          clearTimeout(timer);
          watchers.delete(watcher);
          if (err) reject(err); else resolve(m!);
        };
        watchers.add(watcher);
        for (const line of tail) watcher(line);
        void exited.then((code) => done(new Error(`${name} exited (code ${code}) before printing ${re}\n${tail.join('\n')}`)));
      });
    },
  };
  live.add(child);
  return child;
}

/** SIGTERM, then SIGKILL after `graceMs`. */
export async function stopChild(c: Child, graceMs = 20_000): Promise<void> {
  if (c.proc.exitCode !== null || c.proc.signalCode !== null) return;
  c.proc.kill('SIGTERM');
  const killed = await Promise.race([c.exited.then(() => false), sleep(graceMs).then(() => true)]);
  if (killed) {
    c.proc.kill('SIGKILL');
    await Promise.race([c.exited, sleep(5_000)]);
  }
}

/** Kills whatever the harness still runs (on an interrupt or a crash). */
export function killAll(): void {
  for (const c of live) {
    try { c.proc.kill('SIGKILL'); } catch { /* already gone */ }
  }
}

export { freePort } from '../../test/support/ports.ts';

const CLK_TCK = (() => {
  try { return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100; } catch { return 100; }
})();

/** Resident memory now and at its peak (VmHWM), in MB; null once the process is gone. */
export function memoryOf(pid: number): { rssMb: number; hwmMb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/** User + system CPU seconds the process has used so far; null once it is gone. */
export function cpuSecondsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime, stime (fields 14, 15)
  } catch {
    return null;
  }
}

/** Busy and total jiffies of the whole machine (/proc/stat), to see what else ran during a window. */
function machineJiffies(): { busy: number; total: number } {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = cpu.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - (cpu[3] ?? 0) - (cpu[4] ?? 0), total };
  } catch {
    return { busy: 0, total: 0 };
  }
}

/** CPU seconds of every process on the machine, with a short command line. */
function allProcesses(): Map<number, { cpu: number; cmd: string; comm: string }> {
  const out = new Map<number, { cpu: number; cmd: string; comm: string }>();
  let entries: string[];
  try { entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e)); } catch { return out; }
  for (const e of entries) {
    const pid = Number(e);
    const cpu = cpuSecondsOf(pid);
    if (cpu === null) continue;
    let cmd = '';
    let comm = '';
    try { comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim(); } catch { /* gone */ }
    try { cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).map((a) => a.replace(/^.*\/(?=[^/]+$)/, '')).join(' '); } catch { /* gone */ }
    out.set(pid, { cpu, cmd: cmd.slice(0, 120), comm });
  }
  return out;
}

export type TopRow = { pid: number; name: string; coresUsed: number };

/**
 * Samples every watched process's RSS every `everyMs` (and keeps VmHWM, the kernel's own peak),
 * and its CPU time at `mark()` and `stop()`, for peak-memory and CPU-share figures.
 */
export class ProcessMonitor {
  private readonly peaks = new Map<string, number>();
  private readonly pids = new Map<string, number>();
  private readonly cpuAtMark = new Map<string, number>();
  private readonly cpuAtStop = new Map<string, number>();
  private markedAt = 0;
  private stoppedAt = 0;
  private machineAtMark = { busy: 0, total: 0 };
  private machineAtStop = { busy: 0, total: 0 };
  private procsAtMark = new Map<number, { cpu: number; cmd: string; comm: string }>();
  private procsAtStop = new Map<number, { cpu: number; cmd: string; comm: string }>();
  private timer?: NodeJS.Timeout;

  watch(name: string, pid: number): void {
    this.pids.set(name, pid);
    this.sampleOne(name, pid);
    if (this.markedAt) this.cpuAtMark.set(name, cpuSecondsOf(pid) ?? 0);
  }

  start(everyMs = 500): void {
    this.timer = setInterval(() => { for (const [n, p] of this.pids) this.sampleOne(n, p); }, everyMs);
  }

  /** Starts the CPU window (the measured part of a scenario). */
  mark(): void {
    this.markedAt = Date.now();
    this.machineAtMark = machineJiffies();
    this.procsAtMark = allProcesses();
    for (const [n, p] of this.pids) this.cpuAtMark.set(n, cpuSecondsOf(p) ?? 0);
  }

  /** Ends the window; call while the processes still run. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.stoppedAt) return;
    this.stoppedAt = Date.now();
    this.machineAtStop = machineJiffies();
    this.procsAtStop = allProcesses();
    for (const [n, p] of this.pids) {
      this.sampleOne(n, p);
      const c = cpuSecondsOf(p);
      if (c !== null) this.cpuAtStop.set(n, c);
    }
  }

  private sampleOne(name: string, pid: number): void {
    const m = memoryOf(pid);
    if (!m) return;
    this.peaks.set(name, Math.max(this.peaks.get(name) ?? 0, m.rssMb, m.hwmMb));
  }

  peakRssMb(names: string[]): Record<string, number> {
    return Object.fromEntries(names.filter((n) => this.peaks.has(n)).map((n) => [n, Math.round(this.peaks.get(n)!)]));
  }

  /** Length of the measured window in seconds. */
  windowSec(): number {
    return Math.max(1e-3, ((this.stoppedAt || Date.now()) - (this.markedAt || Date.now())) / 1000);
  }

  /** Cores the whole machine kept busy during the window (every process: the stack, the bench, anyone else's). */
  machineCoresBusy(): number | null {
    const total = this.machineAtStop.total - this.machineAtMark.total;
    if (!(total > 0)) return null;
    return Math.round(((this.machineAtStop.busy - this.machineAtMark.busy) / total) * os.cpus().length * 100) / 100;
  }

  /**
   * The processes that used the most CPU during the window, whoever started them (the stack's
   * Kafka/Postgres/registry, the bench's own, anything else on the box), named by the harness's
   * name for its children and by command line otherwise. Postgres runs a process per connection;
   * those are summed into one row, so its share is not spread thin over a dozen backends.
   */
  machineTop(n = 8): TopRow[] {
    const windowSec = Math.max(1e-3, (this.stoppedAt - this.markedAt) / 1000);
    const names = new Map([...this.pids].map(([name, pid]) => [pid, name]));
    const rows: TopRow[] = [];
    const postgres = { pid: 0, count: 0, used: 0 };
    for (const [pid, b] of this.procsAtStop) {
      const used = b.cpu - (this.procsAtMark.get(pid)?.cpu ?? 0);
      if (used <= 0) continue;
      if (b.comm === 'postgres') {
        postgres.count++;
        postgres.used += used;
        postgres.pid ||= pid;
        continue;
      }
      rows.push({ pid, name: names.has(pid) ? `bench:${names.get(pid)}` : b.cmd, coresUsed: Math.round((used / windowSec) * 100) / 100 });
    }
    if (postgres.count) rows.push({ pid: postgres.pid, name: `postgres (${postgres.count} processes)`, coresUsed: Math.round((postgres.used / windowSec) * 100) / 100 });
    return rows.sort((a, b) => b.coresUsed - a.coresUsed).slice(0, n);
  }

  /** CPU seconds used inside the window and the share of one core it amounts to. */
  cpu(names: string[]): Record<string, { cpuSec: number; coresUsed: number }> {
    const windowSec = Math.max(1e-3, ((this.stoppedAt || Date.now()) - (this.markedAt || Date.now())) / 1000);
    const out: Record<string, { cpuSec: number; coresUsed: number }> = {};
    for (const n of names) {
      const a = this.cpuAtMark.get(n);
      const b = this.cpuAtStop.get(n);
      if (a === undefined || b === undefined) continue;
      out[n] = { cpuSec: Math.round((b - a) * 10) / 10, coresUsed: Math.round(((b - a) / windowSec) * 100) / 100 };
    }
    return out;
  }
}

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

/** The mittr code under test: the working tree, or a commit exported with `git archive`. */
export type Source = { dir: string; commit: string };

/** The working tree, its commit marked `+dirty` when services/ or projections/ have local changes. */
export function workingTree(): Source {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'services', 'projections', 'schemas'], { cwd: ROOT }).toString().trim();
    if (dirty) commit += '+dirty';
  } catch { /* not a git checkout */ }
  return { dir: ROOT, commit };
}

/**
 * Exports `rev` (git archive, nothing in the repository changes) to a temp directory that shares
 * this checkout's node_modules, so a benchmark can measure a commit while the tree is being edited.
 */
export function exportRev(rev: string): Source {
  const commit = execFileSync('git', ['rev-parse', '--short', `${rev}^{commit}`], { cwd: ROOT }).toString().trim();
  const dir = join(os.tmpdir(), `mittr-bench-src-${commit}`);
  if (!existsSync(join(dir, 'services', 'main.ts'))) {
    mkdirSync(dir, { recursive: true });
    execFileSync('bash', ['-c', 'git archive "$1" | tar -x -C "$2"', 'export', commit, dir], { cwd: ROOT, timeout: 120_000 });
  }
  if (!existsSync(join(dir, 'node_modules'))) symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return { dir, commit };
}

export type Machine = {
  cores: number; memoryMb: number; cpuModel: string; node: string; kafka: string; postgres: string;
  registry: string; os: string; loadAvg1m: number; gitCommit: string; colocated: true;
};

export async function machineInfo(source: Source): Promise<Machine> {
  let postgres = 'unknown';
  try { postgres = (await pgQuery<{ server_version: string }>('SHOW server_version'))[0]?.server_version ?? 'unknown'; } catch { /* reported as unknown */ }
  const gitCommit = source.commit;
  return {
    cores: os.cpus().length,
    memoryMb: Math.round(os.totalmem() / 2 ** 20),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    kafka: '3.9.1',
    postgres,
    registry: 'Apicurio Registry 3.3.3',
    os: `${os.type()} ${os.release()}`,
    loadAvg1m: Math.round(os.loadavg()[0]! * 100) / 100,
    gitCommit,
    colocated: true,
  };
}
