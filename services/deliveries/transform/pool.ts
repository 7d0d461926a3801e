import { Worker } from 'node:worker_threads';
import { extname } from 'node:path';
import { failure } from './contract.ts';
import type { SandboxLimits, TransformInput, TransformResult } from './contract.ts';
import type { WorkerMessage, WorkerRequest } from './worker.ts';

export type TransformPoolOptions = {
  /** Worker threads, each running one transformation at a time. Default 2. */
  workers?: number;
  /** CPU time a call may use inside the sandbox. Default 100 ms. */
  timeoutMs?: number;
  /**
   * Memory a call may use, input and output included (at least 2 MiB). Default 16 MiB; the
   * webhook's JSON may be at most a quarter of it.
   */
  memoryBytes?: number;
};

/** See MAX_STACK_BYTES in sandbox.ts: the native stack must dwarf QuickJS's own budget. */
const WORKER_STACK_MB = 16;
/** Below this a fresh interpreter plus a small webhook does not fit. */
const MIN_MEMORY_BYTES = 2 * 2 ** 20;
/** A worker that cannot load QuickJS in this long is treated as failed. */
const STARTUP_TIMEOUT_MS = 30_000;

type Job = { id: number; code: string; input: TransformInput; resolve: (result: TransformResult) => void };
type Slot = { worker: Worker; ready: boolean; job: Job | null; timer: NodeJS.Timeout | null };

/**
 * Runs endpoint transformations in QuickJS sandboxes on worker threads. `run` never throws and
 * never hangs: the sandbox interrupts user code after `timeoutMs` of CPU time, and a worker that
 * still has not answered after `timeoutMs * 5 + 1000` ms of wall time (a native builtin that
 * never polls the interrupt, say) is terminated and replaced. Workers start on first use and do
 * not keep the process alive while idle. Create one pool per process and `close()` it on shutdown.
 */
export class TransformPool {
  readonly #limits: SandboxLimits;
  readonly #size: number;
  readonly #hardCapMs: number;
  readonly #slots: Slot[] = [];
  readonly #queue: Job[] = [];
  #nextId = 1;
  #closed = false;

  constructor(opts: TransformPoolOptions = {}) {
    this.#size = Math.max(1, Math.floor(opts.workers ?? 2));
    this.#limits = {
      timeoutMs: Math.max(1, opts.timeoutMs ?? 100),
      memoryBytes: Math.max(MIN_MEMORY_BYTES, opts.memoryBytes ?? 16 * 2 ** 20),
    };
    this.#hardCapMs = this.#limits.timeoutMs * 5 + 1000;
  }

  /** Applies `code` (an endpoint's transformation) to `input`; see contract.ts for the semantics. */
  run(code: string, input: TransformInput): Promise<TransformResult> {
    if (this.#closed) return Promise.resolve(failure('transform pool is closed'));
    return new Promise((resolve) => {
      this.#queue.push({ id: this.#nextId++, code, input, resolve });
      this.#pump(true);
    });
  }

  /** Answers queued and running calls with an error and stops the workers. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) job.resolve(failure('transform pool is closed'));
    const slots = this.#slots.splice(0);
    for (const slot of slots) this.#settle(slot, failure('transform pool is closed'));
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  #pump(mayStartWorkers: boolean): void {
    let idle: Slot | undefined;
    while (this.#queue.length > 0 && (idle = this.#slots.find((s) => s.ready && !s.job))) this.#dispatch(idle, this.#queue.shift()!);
    const starting = this.#slots.filter((s) => !s.ready).length;
    const wanted = Math.min(this.#size - this.#slots.length, this.#queue.length - starting);
    if (mayStartWorkers) for (let i = 0; i < wanted; i++) this.#start();
  }

  #dispatch(slot: Slot, job: Job): void {
    slot.job = job;
    slot.timer = setTimeout(() => {
      this.#retire(slot, failure(`transformation sandbox did not answer within ${this.#hardCapMs} ms; its worker was restarted`));
    }, this.#hardCapMs);
    const request: WorkerRequest = { id: job.id, code: job.code, input: job.input };
    try {
      slot.worker.postMessage(request);
    } catch (e) {
      // Not structured-cloneable (a function in the payload, say): nothing was sent.
      this.#settle(slot, failure(`webhook input could not be passed to the sandbox: ${String(e)}`));
    }
  }

  #start(): void {
    // The worker is this module's sibling: worker.ts run from source, worker.js built (scripts/build).
    const worker = new Worker(new URL(`./worker${extname(import.meta.filename)}`, import.meta.url), {
      workerData: this.#limits,
      resourceLimits: { stackSizeMb: WORKER_STACK_MB, maxOldGenerationSizeMb: Math.max(128, (this.#limits.memoryBytes / 2 ** 20) * 8) },
    });
    // Idle workers must not keep the process alive; a running job's timer does.
    worker.unref();
    const slot: Slot = { worker, ready: false, job: null, timer: null };
    slot.timer = setTimeout(() => this.#failStart(slot, 'it did not start in time'), STARTUP_TIMEOUT_MS);
    this.#slots.push(slot);
    worker.on('message', (message: WorkerMessage) => this.#onMessage(slot, message));
    worker.on('error', (e: unknown) => this.#onGone(slot, `error: ${e instanceof Error ? e.message : String(e)}`));
    worker.on('exit', (code) => this.#onGone(slot, `exit code ${code}`));
  }

  #onMessage(slot: Slot, message: WorkerMessage): void {
    if (message.type === 'ready') {
      clearTimeout(slot.timer ?? undefined);
      slot.timer = null;
      slot.ready = true;
    } else if (slot.job?.id === message.id) {
      this.#settle(slot, message.result);
    }
    this.#pump(false);
  }

  #onGone(slot: Slot, why: string): void {
    if (!this.#slots.includes(slot)) return;
    if (!slot.ready) this.#failStart(slot, why);
    else this.#retire(slot, failure(`transformation sandbox crashed (${why}); its worker was restarted`));
  }

  /** Drops a worker that never became ready; with no worker left, queued calls fail rather than wait. */
  #failStart(slot: Slot, why: string): void {
    this.#remove(slot);
    if (this.#slots.length === 0) {
      for (const job of this.#queue.splice(0)) job.resolve(failure(`transformation sandbox failed to start: ${why}`));
    }
  }

  /** Answers the slot's job with `result`, stops its worker and lets a new one start on demand. */
  #retire(slot: Slot, result: TransformResult): void {
    this.#settle(slot, result);
    this.#remove(slot);
    this.#pump(!this.#closed);
  }

  #remove(slot: Slot): void {
    clearTimeout(slot.timer ?? undefined);
    const index = this.#slots.indexOf(slot);
    if (index >= 0) this.#slots.splice(index, 1);
    slot.worker.terminate().catch(() => undefined);
  }

  #settle(slot: Slot, result: TransformResult): void {
    const job = slot.job;
    clearTimeout(slot.timer ?? undefined);
    slot.timer = null;
    slot.job = null;
    job?.resolve(result);
  }
}
