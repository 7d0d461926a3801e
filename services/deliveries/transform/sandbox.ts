import { DefaultIntrinsics, newQuickJSWASMModule, newVariant, RELEASE_SYNC } from 'quickjs-emscripten';
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from 'quickjs-emscripten';
import { failure, parseOutput } from './contract.ts';
import type { SandboxLimits, TransformInput, TransformResult } from './contract.ts';
import { HARNESS_SOURCE } from './harness.ts';

/**
 * QuickJS checks its own stack against this budget. The native (V8) stack of the thread must be
 * far larger, because QuickJS measures only emscripten's shadow stack, which grows much slower
 * than the native one: measured, a 16 MiB thread stack with a 512 KiB budget turns deep
 * recursion, JSON nesting and parser nesting into a clean "stack overflow" error. See
 * WORKER_STACK_MB in pool.ts.
 */
export const MAX_STACK_BYTES = 512 * 1024;

/**
 * The WebAssembly memory the module starts with (its INITIAL_MEMORY: data, emscripten's 5 MiB
 * shadow stack, the spare interpreter). The module may grow by `memoryBytes` on top of it, no
 * more; see `load`.
 */
const BASE_WASM_BYTES = 16 * 1024 * 1024;
const WASM_PAGE_BYTES = 64 * 1024;

// The project's lib (es2024, no DOM) has no WebAssembly types; Node has the global.
declare const WebAssembly: { Memory: new (descriptor: { initial: number; maximum: number }) => object };

/**
 * Typed arrays, ArrayBuffer, DataView and Atomics are left out: a JSON transformation has no use
 * for them, they are the largest part of building a context (~25%), and less engine surface is
 * less risk.
 */
const INTRINSICS = { ...DefaultIntrinsics, TypedArrays: false } as const;

type Instance = { runtime: QuickJSRuntime; context: QuickJSContext; run: QuickJSHandle; describe: QuickJSHandle };

/** CPU time of this thread, so a loaded host does not make a transform time out. */
function cpuMicros(): number {
  if (typeof process.threadCpuUsage === 'function') {
    const { user, system } = process.threadCpuUsage();
    return user + system;
  }
  return performance.now() * 1000;
}

/**
 * Runs transformations in QuickJS, synchronously, one at a time. Every call gets a fresh
 * runtime and context (about 0.3 ms to build, so the next one is built ahead by `prepare()`),
 * which is what makes "no state survives between calls" true by construction.
 *
 * If QuickJS fails on the host side (a native stack overflow thrown through WebAssembly, an
 * abort), its linear memory may be corrupt: the sandbox marks itself `poisoned` and the owner
 * must load a new one.
 */
export class Sandbox {
  readonly #module: QuickJSWASMModule;
  readonly #limits: SandboxLimits;
  #spare: Instance | null = null;
  #used: Instance | null = null;
  #poisoned = false;
  #cpuStart = 0;
  #cpuBudget = Infinity;
  #timedOut = false;

  private constructor(module: QuickJSWASMModule, limits: SandboxLimits) {
    this.#module = module;
    this.#limits = limits;
  }

  /**
   * Loads a private QuickJS WebAssembly module (~10-40 ms) whose memory cannot grow past
   * `memoryBytes` over its base. That cap is the memory limit that actually holds: this QuickJS
   * build cannot measure allocation sizes under emscripten (malloc_usable_size is 0), so
   * `setMemoryLimit` alone only refuses single allocations larger than the limit, and a loop of
   * 100 KB strings grew the heap to 2 GB before failing. With the cap, QuickJS's malloc gets
   * NULL and throws a clean "out of memory".
   */
  static async load(limits: SandboxLimits): Promise<Sandbox> {
    const memory = new WebAssembly.Memory({
      initial: BASE_WASM_BYTES / WASM_PAGE_BYTES,
      maximum: Math.ceil((BASE_WASM_BYTES + limits.memoryBytes) / WASM_PAGE_BYTES),
    });
    return new Sandbox(await newQuickJSWASMModule(newVariant(RELEASE_SYNC, { wasmMemory: memory })), limits);
  }

  get poisoned(): boolean {
    return this.#poisoned;
  }

  /** Runs `code` on `input`; never throws. */
  run(code: string, input: TransformInput): TransformResult {
    if (this.#poisoned) return failure('transformation sandbox is unusable after a crash');
    let inputJson: string;
    try { inputJson = JSON.stringify(input); } catch (e) { return failure(`webhook input is not JSON-serializable: ${String(e)}`); }
    // Parsing multiplies the size; refusing early also keeps the host's own copies of code and
    // input from failing to allocate (quickjs-emscripten does not check malloc for NULL).
    if (Buffer.byteLength(inputJson) + Buffer.byteLength(code) > this.#limits.memoryBytes / 4) {
      return failure(`webhook is too large to transform within the ${this.#mib()} MiB memory limit`);
    }
    try {
      this.#recycle();
      const instance = this.#spare ?? this.#create();
      this.#spare = null;
      this.#used = instance;
      return this.#execute(instance, code, inputJson);
    } catch (e) {
      this.#poisoned = true;
      return failure(`transformation crashed the sandbox: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Frees the last call's interpreter and builds the next one; call it when idle. */
  prepare(): void {
    if (this.#poisoned) return;
    try {
      this.#recycle();
      this.#spare ??= this.#create();
    } catch {
      this.#poisoned = true;
    }
  }

  #recycle(): void {
    const used = this.#used;
    this.#used = null;
    if (used) { used.run.dispose(); used.describe.dispose(); used.context.dispose(); used.runtime.dispose(); }
  }

  #create(): Instance {
    const runtime = this.#module.newRuntime();
    runtime.setMemoryLimit(this.#limits.memoryBytes);
    runtime.setMaxStackSize(MAX_STACK_BYTES);
    runtime.setInterruptHandler(() => this.#shouldInterrupt());
    const context = runtime.newContext({ intrinsics: INTRINSICS });
    const harness = context.unwrapResult(context.evalCode(HARNESS_SOURCE, 'mittr-harness.js', { type: 'global' }));
    const run = context.getProp(harness, 0);
    const describe = context.getProp(harness, 1);
    harness.dispose();
    return { runtime, context, run, describe };
  }

  #shouldInterrupt(): boolean {
    if (cpuMicros() - this.#cpuStart <= this.#cpuBudget) return false;
    this.#timedOut = true;
    return true;
  }

  #execute({ context: ctx, run, describe }: Instance, code: string, inputJson: string): TransformResult {
    this.#timedOut = false;
    this.#cpuStart = cpuMicros();
    this.#cpuBudget = this.#limits.timeoutMs * 1000;
    // The host allocates its strings before user code can exhaust the heap.
    const input = ctx.newString(inputJson);
    try {
      const script = ctx.evalCode(code, 'transform.js', { type: 'global' });
      let answer: string | null;
      if (script.error) {
        answer = this.#timedOut ? null : this.#call(ctx, describe, script.error);
        if (answer !== null) answer = `e${answer}`;
        script.error.dispose();
      } else {
        script.value.dispose();
        answer = this.#call(ctx, run, input);
      }
      return answer === null || this.#timedOut ? this.#vmFailure() : this.#decode(answer);
    } finally {
      input.dispose();
      this.#cpuBudget = Infinity;
    }
  }

  /** Calls a harness function; null when it threw what the harness cannot catch. */
  #call(ctx: QuickJSContext, fn: QuickJSHandle, arg: QuickJSHandle): string | null {
    const result = ctx.callFunction(fn, ctx.undefined, arg);
    if (result.error) { result.error.dispose(); return null; }
    const answer = ctx.typeof(result.value) === 'string' ? ctx.getString(result.value) : '';
    result.value.dispose();
    return answer;
  }

  /** Only the interrupt, or running out of memory or stack while reporting an error, gets here. */
  #vmFailure(): TransformResult {
    if (this.#timedOut) return failure(`transformation exceeded its CPU time limit of ${this.#limits.timeoutMs} ms`);
    return failure('transformation failed (out of memory or stack while reporting its error)');
  }

  #decode(answer: string): TransformResult {
    if (answer === 'c') return { kind: 'cancel' };
    if (answer.startsWith('o')) return parseOutput(answer.slice(1));
    if (answer.startsWith('eInternalError: out of memory')) {
      return failure(`transformation exceeded its memory limit of ${this.#mib()} MiB`);
    }
    if (answer.startsWith('e')) return failure(answer.slice(1));
    return failure('transformation sandbox returned an unexpected answer');
  }

  #mib(): number {
    return Math.round(this.#limits.memoryBytes / 2 ** 20);
  }
}
