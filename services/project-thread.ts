import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { loadConfig } from './config/config.ts';
import { startMittr } from './mittr.ts';

/** Messages between `mittr all`'s main thread and its projector thread. */
type ToThread = { type: 'stop' };
type FromThread = { type: 'started' } | { type: 'stopped' } | { type: 'failed'; error: string };

/**
 * `mittr all` runs the project role on a worker thread of the same process. The projectors share
 * nothing in memory with the other roles (they read Kafka and write Postgres; read-your-writes
 * asks Postgres), and they were a quarter of the CPU of the one event loop that API, router and
 * engine share: on their own thread they no longer delay a delivery or a request.
 *
 * A thread that fails (to start, e.g. while Kafka is away, or later) is replaced by a new one
 * after a backoff: it holds nothing that is not in Kafka or Postgres, and the new one projects
 * from the last committed checkpoints. Ending a thread closes whatever it had open.
 */
export class ProjectThread {
  private worker?: Worker;
  private exited: Promise<unknown> = Promise.resolve();
  private stopping = false;
  private backoffMs = 1_000;
  private respawn?: NodeJS.Timeout;
  private readonly onStarted: () => void;
  private readonly log: (msg: string) => void;

  private constructor(onStarted: () => void, log: (msg: string) => void) {
    this.onStarted = onStarted;
    this.log = log;
  }

  /** Starts the thread; resolves once its projectors run (retrying failed threads until then). */
  static async start(log: (msg: string) => void = (m) => console.error(m)): Promise<ProjectThread> {
    let started!: () => void;
    const running = new Promise<void>((resolve) => { started = resolve; });
    const thread = new ProjectThread(() => started(), log);
    thread.spawn();
    await running;
    return thread;
  }

  private spawn(): void {
    if (this.stopping) return;
    const worker = new Worker(new URL(import.meta.url));
    this.worker = worker;
    this.exited = new Promise((resolve) => worker.once('exit', resolve));
    let failed = false;
    const fail = (why: string) => {
      if (failed || this.stopping) return;
      failed = true;
      this.log(`mittr: projector thread failed, replacing it in ${this.backoffMs} ms: ${why}`);
      void worker.terminate();
      this.respawn = setTimeout(() => this.spawn(), this.backoffMs);
      this.backoffMs = Math.min(this.backoffMs * 2, 10_000);
    };
    worker.on('message', (m: FromThread) => {
      if (m.type === 'started') { this.backoffMs = 1_000; this.onStarted(); }
      if (m.type === 'failed') fail(m.error);
    });
    worker.on('error', (err: Error) => fail(err.stack ?? err.message));
    worker.once('exit', (code) => fail(`exited with code ${code}`));
  }

  /** Stops the projectors (bounded), then the thread. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.respawn);
    this.worker?.postMessage({ type: 'stop' } satisfies ToThread);
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000).unref());
    if ((await Promise.race([this.exited, timeout])) === 'timeout') await this.worker?.terminate();
  }
}

// The thread itself: the project role, until the main thread says stop.
if (!isMainThread && parentPort) {
  const port = parentPort;
  const post = (m: FromThread) => port.postMessage(m);
  // The main thread prepared topics and migrations for both (services/main.ts runAll).
  startMittr(loadConfig(), ['project'], { prepared: true }).then(
    (mittr) => {
      post({ type: 'started' });
      port.on('message', (m: ToThread) => {
        if (m.type !== 'stop') return;
        // process.exit in a worker ends this thread only, whatever handles are left open.
        void mittr.stop().finally(() => { post({ type: 'stopped' }); process.exit(0); });
      });
    },
    (err: unknown) => post({ type: 'failed', error: err instanceof Error ? err.stack ?? err.message : String(err) }),
  );
}
