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
 * engine share: on its own thread it no longer delays a delivery or a request.
 *
 * A failure of the thread ends the process, as a crash would: every accepted event is in Kafka,
 * and a restarted process projects from the last committed checkpoints.
 */
export class ProjectThread {
  private readonly worker: Worker;
  private readonly exited: Promise<number>;

  private constructor(worker: Worker) {
    this.worker = worker;
    this.exited = new Promise((resolve) => worker.once('exit', resolve));
  }

  /** Starts the thread and resolves once its projectors run. */
  static async start(onFailure: (err: Error) => void): Promise<ProjectThread> {
    const worker = new Worker(new URL(import.meta.url));
    const thread = new ProjectThread(worker);
    await new Promise<void>((resolve, reject) => {
      const early = (code: number) => reject(new Error(`the projector thread exited (code ${code}) while starting`));
      worker.once('exit', early);
      worker.on('error', (err: Error) => { reject(err); onFailure(err); });
      worker.on('message', (m: FromThread) => {
        if (m.type === 'started') { worker.off('exit', early); resolve(); }
        if (m.type === 'failed') { const err = new Error(`projector thread: ${m.error}`); reject(err); onFailure(err); }
      });
    });
    worker.once('exit', (code) => { if (!thread.stopping) onFailure(new Error(`the projector thread exited (code ${code})`)); });
    return thread;
  }

  private stopping = false;

  /** Stops the projectors (bounded), then the thread. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.worker.postMessage({ type: 'stop' } satisfies ToThread);
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000).unref());
    if ((await Promise.race([this.exited, timeout])) === 'timeout') await this.worker.terminate();
  }
}

// The thread itself: the project role, until the main thread says stop.
if (!isMainThread && parentPort) {
  const port = parentPort;
  const post = (m: FromThread) => port.postMessage(m);
  startMittr(loadConfig(), ['project']).then(
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
