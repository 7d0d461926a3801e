import { beforeAll, describe, expect, it } from 'vitest';
import type { TransformInput, TransformResult } from './contract.ts';
import { Sandbox } from './sandbox.ts';

// The sandbox in this thread, without the pool: fast checks of the semantics. Cases that may
// need the pool's hard cap (native loops that never poll the interrupt) live in pool.unit.spec.ts.
const input: TransformInput = {
  eventType: 'order.created',
  payload: { id: 'ord_1', cents: 1999 },
  headers: { 'x-source': 'shop' },
  url: 'https://example.com/hooks',
};
let sandbox: Sandbox;
const run = (code: string, given: TransformInput = input): TransformResult => {
  const result = sandbox.run(code, given);
  sandbox.prepare();
  return result;
};
const errorOf = (result: TransformResult) => (result.kind === 'error' ? result.error : `not an error: ${JSON.stringify(result)}`);

describe('transformation sandbox', { timeout: 10_000 }, () => {
  beforeAll(async () => {
    sandbox = await Sandbox.load({ timeoutMs: 100, memoryBytes: 16 * 1024 * 1024 });
  });

  it('given a transform that mutates payload and headers, when run, then the result carries both changes', () => {
    const result = run(`function transform(webhook) {
      webhook.payload.total = webhook.payload.cents / 100;
      webhook.headers['X-Shop'] = 'acme';
      return webhook;
    }`);
    expect(result).toEqual({
      kind: 'ok', eventType: 'order.created', payload: { id: 'ord_1', cents: 1999, total: 19.99 },
      headers: { 'x-source': 'shop', 'X-Shop': 'acme' }, url: 'https://example.com/hooks',
    });
  });

  it('given a transform that returns a new object with another url, when run, then the url changes', () => {
    const result = run(`const transform = (w) => ({ ...w, url: 'https://other.example.com/in', eventType: null });`);
    expect(result).toMatchObject({ kind: 'ok', url: 'https://other.example.com/in', eventType: null, payload: input.payload });
  });

  it('given a transform that returns null or undefined, when run, then the delivery is cancelled', () => {
    expect(run('function transform(w) { return null; }')).toEqual({ kind: 'cancel' });
    expect(run('let transform = function (w) {};')).toEqual({ kind: 'cancel' });
  });

  it('given a transform that sets the cancel flag, when run, then the delivery is cancelled', () => {
    expect(run('function transform(w) { w.cancel = true; return w; }')).toEqual({ kind: 'cancel' });
  });

  it('given a transform that throws, when run, then an error result carries the message and line', () => {
    expect(errorOf(run('function transform(w) {\n  throw new Error("no customer");\n}'))).toMatch(/^Error: no customer\n.*transform\.js:2/);
    expect(errorOf(run('throw "at the top"'))).toBe('transform threw at the top');
  });

  it('given code with a syntax error, when run, then an error result', () => {
    expect(errorOf(run('function transform(w {'))).toMatch(/^SyntaxError/);
  });

  it('given code that defines no transform function, when run, then an error result says so', () => {
    expect(errorOf(run('const x = 1;'))).toMatch(/must define function transform/);
  });

  it('given code probing for the host, when run, then nothing of it exists', () => {
    const result = run(`function transform(w) {
      w.payload = [typeof require, typeof process, typeof fetch, typeof setTimeout, typeof Deno, typeof std, typeof os,
        typeof WebAssembly, typeof SharedArrayBuffer, typeof Uint8Array];
      console.log('console exists and does nothing');
      return w;
    }`);
    expect(result).toMatchObject({ kind: 'ok', payload: Array(10).fill('undefined') });
    expect(errorOf(run('import fs from "fs"; function transform(w) { return w; }'))).toMatch(/^SyntaxError/);
    expect(errorOf(run('function transform(w) { return import("fs"); }'))).toMatch(/must be synchronous/);
  });

  it('given output with a non-http url or a numeric header, when run, then an error result', () => {
    expect(errorOf(run('function transform(w) { w.url = "ftp://x"; return w; }'))).toMatch(/http or https/);
    expect(errorOf(run('function transform(w) { w.headers["X-Count"] = 3; return w; }'))).toMatch(/X-Count must have a string value/);
    expect(errorOf(run('function transform(w) { w.payload = { big: 1n }; return w; }'))).toMatch(/BigInt/);
  });

  it('given a call that sets a global, when another call runs, then the global is gone', () => {
    expect(run('globalThis.leak = 1; Object.prototype.polluted = 1; var transform = (w) => w;').kind).toBe('ok');
    const result = run('function transform(w) { w.payload = [typeof leak, typeof ({}).polluted]; return w; }');
    expect(result).toMatchObject({ kind: 'ok', payload: ['undefined', 'undefined'] });
  });

  it('given an endless loop, when run, then a CPU time error and the sandbox still works', () => {
    expect(errorOf(run('function transform(w) { for (;;) { try { while (true) {} } catch (e) {} } }'))).toMatch(/CPU time limit of 100 ms/);
    expect(run('function transform(w) { return w; }').kind).toBe('ok');
  });

  it('given a memory bomb, when run, then a memory error and the sandbox still works', () => {
    expect(errorOf(run('const a = []; while (true) a.push(new Array(1e6).fill(1));'))).toMatch(/memory limit of 16 MiB/);
    expect(errorOf(run('function transform(w) { const a = []; for (;;) a.push("x".repeat(1e5) + a.length); }'))).toMatch(/memory limit/);
    expect(run('function transform(w) { return w; }').kind).toBe('ok');
  });

  it('given an input too large for the memory limit, when run, then an error before any code runs', () => {
    expect(errorOf(run('function transform(w) { return w; }', { ...input, payload: 'x'.repeat(5 * 1024 * 1024) }))).toMatch(/too large/);
  });

  it('given QuickJS overflows the native stack of a small thread, when run, then a crash error and the sandbox refuses more work', async () => {
    // Node's main thread has a ~1 MB stack, far below the 16 MiB the pool gives its workers, so
    // recursion overflows V8's stack before QuickJS's own check: the module must be replaced.
    const small = await Sandbox.load({ timeoutMs: 1_000, memoryBytes: 16 * 1024 * 1024 });
    expect(small.run('function transform(w) { return transform(w) + 1; }', input)).toMatchObject({ kind: 'error', error: expect.stringMatching(/crashed the sandbox/) });
    expect(small.poisoned).toBe(true);
    expect(errorOf(small.run('function transform(w) { return w; }', input))).toMatch(/unusable after a crash/);
  });
});
