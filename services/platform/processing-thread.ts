import v8 from 'node:v8';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { loadConfig } from './config/config.ts';
import { startMittr, type Role } from '../mittr.ts';
import type { MetricsSnapshot } from './metrics/registry.ts';

/** Messages between `mittr all`'s main thread and its processing thread. */
type ToThread = { type: 'stop' } | { type: 'metrics'; id: number };
type FromThread = { type: 'started' } | { type: 'failed'; error: string } | { type: 'metrics'; id: number; metrics: MetricsSnapshot };

/** How long a scrape waits for the thread's metrics before it serves the last ones it had. */
const METRICS_WAIT_MS = 2_000;

/**
 * `mittr all` runs the API alone on the main thread and the stream processors (router,
 * scheduler, delivery engine, projectors) on this worker thread of the same process. They
 * share nothing in memory (each side reads Kafka and Postgres), so the split costs a second
 * copy of the endpoint configuration and of the shared modules (~7 MB at rest). In return a
 * request never waits behind a delivery on one event loop: with the router and the engine
 * beside the API, ingest-batch reached ~6,800 events/s and ingest-single ~720; with the API
 * alone on its thread, ~16,000 and ~850 (bench/README.md, "One thread for the API"). A backlog
 * the processors cannot keep up with waits in Kafka, where it is safe, not in front of requests.
 *
 * A thread that fails (to start, e.g. while Kafka is away, or later) is replaced by a new one
 * after a backoff: it holds nothing that is not in Kafka or Postgres; its consumers resume
 * from their committed offsets and the projectors from their checkpoints. Ending a thread
 * closes whatever it had open.
 */
export class ProcessingThread {
  private worker?: Worker;
  private exited: Promise<unknown> = Promise.resolve();
  private stopping = false;
  private backoffMs = 1_000;
  private respawn?: NodeJS.Timeout;
  private readonly roles: readonly Role[];
  private readonly onStarted: () => void;
  private readonly log: (msg: string) => void;
  private readonly asked = new Map<number, (m: MetricsSnapshot) => void>();
  private lastAsked = 0;
  private lastMetrics: MetricsSnapshot = [];

  private constructor(roles: readonly Role[], onStarted: () => void, log: (msg: string) => void) {
    this.roles = roles;
    this.onStarted = onStarted;
    this.log = log;
  }

  /** Starts the thread with `roles`; resolves once they run (retrying failed threads until then). */
  static async start(roles: readonly Role[], log: (msg: string) => void = (m) => console.error(m)): Promise<ProcessingThread> {
    useThreadV8Flags();
    let started!: () => void;
    const running = new Promise<void>((resolve) => { started = resolve; });
    const thread = new ProcessingThread(roles, () => started(), log);
    thread.spawn();
    await running;
    return thread;
  }

  private spawn(): void {
    if (this.stopping) return;
    const worker = new Worker(new URL(import.meta.url), { workerData: { roles: this.roles } });
    this.worker = worker;
    this.exited = new Promise((resolve) => worker.once('exit', resolve));
    let failed = false;
    const fail = (why: string) => {
      if (failed || this.stopping) return;
      failed = true;
      this.log(`mittr: processing thread (${this.roles.join(',')}) failed, replacing it in ${this.backoffMs} ms: ${why}`);
      void worker.terminate();
      this.respawn = setTimeout(() => this.spawn(), this.backoffMs);
      this.backoffMs = Math.min(this.backoffMs * 2, 10_000);
    };
    worker.on('message', (m: FromThread) => {
      if (m.type === 'started') { this.backoffMs = 1_000; this.onStarted(); }
      if (m.type === 'failed') fail(m.error);
      if (m.type === 'metrics') this.asked.get(m.id)?.(m.metrics);
    });
    worker.on('error', (err: Error) => fail(err.stack ?? err.message));
    worker.once('exit', (code) => fail(`exited with code ${code}`));
  }

  /**
   * The thread's metrics (its registry's values), for the main thread's /metrics to merge with
   * its own (services/platform/metrics/registry.ts). A thread that does not answer in time (busy,
   * or being replaced) gets its last answer served again, so its counters do not seem to drop
   * to zero for a scrape; a thread replaced starts its counters over, as a restarted process does.
   */
  metrics(): Promise<MetricsSnapshot> {
    const worker = this.worker;
    if (!worker || this.stopping) return Promise.resolve(this.lastMetrics);
    const id = ++this.lastAsked;
    return new Promise((resolve) => {
      const answered = (m: MetricsSnapshot) => {
        clearTimeout(timer);
        this.asked.delete(id);
        this.lastMetrics = m;
        resolve(m);
      };
      const timer = setTimeout(() => { this.asked.delete(id); resolve(this.lastMetrics); }, METRICS_WAIT_MS);
      this.asked.set(id, answered);
      worker.postMessage({ type: 'metrics', id } satisfies ToThread);
    });
  }

  /** Stops the thread's roles (bounded), then the thread. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.respawn);
    this.worker?.postMessage({ type: 'stop' } satisfies ToThread);
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000).unref());
    if ((await Promise.race([this.exited, timeout])) === 'timeout') await this.worker?.terminate();
  }
}

/**
 * V8 settings for the processing thread's isolate that differ from the main thread's
 * (`MITTR_THREAD_V8_FLAGS`, set by scripts/mittr). V8 reads its heap settings when it creates an
 * isolate, and a Worker cannot be given V8 flags of its own (its `resourceLimits` lose to a
 * process-wide `--max-semi-space-size`): flags set here, before the thread starts, apply to the
 * isolates created after them and leave the running main isolate as it was
 * (services/platform/processing-thread.unit.spec.ts checks exactly that). The API thread allocates
 * little per request and does well with a 2 MB semi-space; the processors allocate ~170 MB/s
 * and need 8 MB (bench/README.md, "A young generation per thread").
 */
export function useThreadV8Flags(flags = process.env.MITTR_THREAD_V8_FLAGS): void {
  if (flags?.trim()) v8.setFlagsFromString(flags);
}

// The thread itself: its roles, until the main thread says stop.
if (!isMainThread && parentPort) {
  const port = parentPort;
  const post = (m: FromThread) => port.postMessage(m);
  // The main thread prepared topics and migrations for both (services/main.ts runAll), and serves this thread's metrics.
  startMittr(loadConfig(), (workerData as { roles: Role[] }).roles, { prepared: true, ownMetrics: false }).then(
    (mittr) => {
      post({ type: 'started' });
      port.on('message', (m: ToThread) => {
        if (m.type === 'metrics') {
          void mittr.metrics.snapshot().then((metrics) => post({ type: 'metrics', id: m.id, metrics }), () => undefined);
          return;
        }
        // process.exit in a worker ends this thread only, whatever handles are left open.
        void mittr.stop().finally(() => process.exit(0));
      });
    },
    (err: unknown) => post({ type: 'failed', error: err instanceof Error ? err.stack ?? err.message : String(err) }),
  );
}
