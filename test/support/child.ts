import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import { loadConfig, type Config } from '../../services/platform/config/config.ts';
import { dropIsolation } from './mittr.ts';
import { freePort } from './ports.ts';
import { RecordingSink } from './sink.ts';

export { freePort };

export const ROOT = join(import.meta.dirname, '..', '..');

/**
 * An e2e spec's mittr child process and the recording sink it delivers to. The sink starts before
 * the spec's tests; after them the child is killed, the sink stopped and the child's topics and
 * schema dropped, and a spec that did not reach `passed()` prints the child's output.
 */
export function childWithSink(options: { sinkHost?: string; env?: Record<string, string> } = {}) {
  const sink = new RecordingSink();
  let sinkUrl = '';
  let child: MittrChild | undefined;
  let config: Config | undefined;
  let passed = false;
  beforeAll(async () => {
    sinkUrl = await sink.start(options.sinkHost);
  });
  afterAll(async () => {
    if (child && !passed) console.error(`mittr child output (tail):\n${child.tail(80)}`);
    await child?.kill('SIGKILL');
    await sink.stop();
    if (config) await dropIsolation(config);
  });
  return {
    sink,
    sinkUrl: () => sinkUrl,
    /** Spawns the child (own topic prefix, schema and port); answers it once healthy, with its boot time. */
    async start(): Promise<{ child: MittrChild; bootMs: number }> {
      const isolated = await isolatedChildEnv(options.env);
      config = isolated.config;
      child = new MittrChild(isolated.env);
      child.spawn();
      return { child, bootMs: await child.waitHealthy(90_000) };
    },
    passed: () => { passed = true; },
  };
}

/**
 * The environment of an isolated mittr child process (own topic prefix, own Postgres schema, a
 * free port), with the parsed Config for the spec's own cleanup.
 */
export async function isolatedChildEnv(overrides: Record<string, string> = {}): Promise<{ env: Record<string, string>; config: Config }> {
  const stack = inject('stack');
  const id = randomBytes(4).toString('hex');
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(await freePort()),
    KAFKA_BROKERS: stack.kafkaBrokers,
    DATABASE_URL: stack.databaseUrl,
    SCHEMA_REGISTRY_URL: stack.registryUrl,
    KAFKA_TOPIC_PREFIX: `t${id}.`,
    KAFKA_PARTITIONS: '3',
    DATABASE_SCHEMA: `t_${id}`,
    MITTR_ALLOW_PRIVATE_NETWORKS: 'true',
    MITTR_SIGNUPS_PER_ADDRESS_PER_HOUR: '0',
    MITTR_LOG_LEVEL: 'warn',
    ...overrides,
  };
  return { env, config: loadConfig(env) };
}

/** `mittr all` as a child process: the unit a crash test kills and restarts. */
export class MittrChild {
  private proc?: ChildProcess;
  private exited?: Promise<void>;
  /** Where the child writes its diagnostic report on SIGUSR2. */
  private reports?: string;
  /** The tail of the child's stdout and stderr, for diagnostics. */
  private readonly output: string[] = [];
  readonly url: string;
  private readonly env: Record<string, string>;

  /** With `logFile`, everything the child writes is also appended there (long runs outgrow the tail). */
  readonly logFile?: string;

  constructor(env: Record<string, string>, logFile?: string) {
    this.env = env;
    this.logFile = logFile;
    this.url = `http://${env.HOST ?? '127.0.0.1'}:${env.PORT}`;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  get running(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Starts the process (scripts/run-node execs Node 24, so the child's pid is mittr's). */
  spawn(): void {
    if (this.running) throw new Error('mittr child already running');
    // Only what the runner needs from this process's environment: nothing of vitest's leaks in.
    const base: Record<string, string> = {};
    for (const k of ['PATH', 'HOME', 'LANG', 'TMPDIR', 'MITTR_HOME']) if (process.env[k]) base[k] = process.env[k]!;
    // SIGUSR2 makes the child write a diagnostic report (every thread's JavaScript stack): what
    // waitHealthy shows when the child never gets healthy.
    this.reports = mkdtempSync(join(tmpdir(), 'mittr-child-report-'));
    const nodeOptions = [this.env.NODE_OPTIONS, '--report-on-signal', '--report-signal=SIGUSR2', `--report-directory=${this.reports}`, '--report-compact'];
    const proc = spawn('bash', [join(ROOT, 'scripts', 'mittr'), 'all'], {
      cwd: ROOT, env: { ...base, ...this.env, NODE_OPTIONS: nodeOptions.filter(Boolean).join(' ') }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    const log = this.logFile ? createWriteStream(this.logFile, { flags: 'a' }) : undefined;
    const keep = (chunk: Buffer) => {
      log?.write(chunk);
      this.output.push(chunk.toString('utf8'));
      if (this.output.length > 400) this.output.splice(0, this.output.length - 400);
    };
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    // Should this (test) process end first, the child must not outlive it.
    const reap = () => { if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL'); };
    process.once('exit', reap);
    this.exited = new Promise((resolve) => proc.once('exit', (code, signal) => {
      process.removeListener('exit', reap);
      this.output.push(`[mittr child ${proc.pid} exited: code=${code} signal=${signal}]\n`);
      resolve();
    }));
  }

  /** Polls GET /health until it answers 200 (bounded); fails early if the child exits. */
  async waitHealthy(timeoutMs = 90_000): Promise<number> {
    const t0 = Date.now();
    const deadline = t0 + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) throw new Error(`mittr child exited before it was healthy:\n${this.tail()}`);
      try {
        const res = await fetch(`${this.url}/health`, { signal: AbortSignal.timeout(3_000) });
        await res.arrayBuffer();
        if (res.status === 200) return Date.now() - t0;
      } catch { /* not listening yet */ }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`mittr child not healthy within ${timeoutMs} ms:\n${this.tail()}\n${await this.stacks()}`);
  }

  /** Every thread's JavaScript stack, from a diagnostic report the child writes on SIGUSR2 (bounded wait). */
  private async stacks(): Promise<string> {
    if (!this.running || !this.reports) return '(no diagnostic report: the child is not running)';
    this.proc!.kill('SIGUSR2');
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const file = readdirSync(this.reports).find((f) => f.endsWith('.json'));
      if (!file) continue;
      try {
        type Stack = { message?: string; stack?: string[] };
        type Handle = { type: string; remoteEndpoint?: { host: string; port: number } };
        type Report = { javascriptStack?: Stack; libuv?: Handle[]; workers?: Array<{ javascriptStack?: Stack }> };
        const report = JSON.parse(readFileSync(join(this.reports, file), 'utf8')) as Report;
        const show = (name: string, js?: Stack) => `${name}: ${js?.message ?? '?'}\n  ${(js?.stack ?? []).slice(0, 20).join('\n  ')}`;
        // An idle event loop has no stack: then the open connections say what it waits for.
        const peers = (report.libuv ?? []).filter((h) => h.type === 'tcp' && h.remoteEndpoint)
          .map((h) => `${h.remoteEndpoint!.host}:${h.remoteEndpoint!.port}`);
        return ['diagnostic report (JavaScript stacks):', show('main thread', report.javascriptStack),
          ...(report.workers ?? []).map((w, i) => show(`worker ${i + 1}`, w.javascriptStack)),
          `open TCP connections: ${peers.join(', ') || 'none'}`].join('\n');
      } catch { /* still being written */ }
    }
    return '(no diagnostic report within 5 s)';
  }

  /** Sends `signal` to the child and waits (bounded) until it is gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL', timeoutMs = 10_000): Promise<void> {
    if (!this.proc || !this.running) return;
    this.proc.kill(signal);
    const gone = await Promise.race([
      this.exited!.then(() => true),
      new Promise<false>((r) => setTimeout(() => r(false), timeoutMs).unref()),
    ]);
    if (!gone) {
      this.proc.kill('SIGKILL');
      await Promise.race([this.exited!, new Promise((r) => setTimeout(r, 5_000).unref())]);
    }
  }

  tail(lines = 60): string {
    return this.output.join('').split('\n').slice(-lines).join('\n');
  }
}
