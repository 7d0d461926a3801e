import { afterAll, describe, expect, it } from 'vitest';
import type { TransformInput, TransformResult } from './contract.ts';
import { TransformPool } from './pool.ts';

// Real worker threads, no other infrastructure. Each test carries its own time bound; the
// generous ones cover worker (re)starts on a loaded machine.
const input: TransformInput = {
  eventType: 'order.created',
  payload: { id: 'ord_1' },
  headers: { 'x-source': 'shop' },
  url: 'https://example.com/hooks',
};
const identity = 'function transform(w) { return w; }';
const errorOf = (result: TransformResult) => (result.kind === 'error' ? result.error : `not an error: ${JSON.stringify(result)}`);

// One worker, so consecutive calls are known to share it.
const pool = new TransformPool({ workers: 1, timeoutMs: 50 });
afterAll(() => pool.close());

describe('transform pool', () => {
  it('given a transform that mutates the payload, when run on a worker, then the result comes back', { timeout: 20_000 }, async () => {
    const result = await pool.run('function transform(w) { w.payload.seen = true; w.headers["X-A"] = "1"; return w; }', input);
    expect(result).toEqual({ ...input, kind: 'ok', payload: { id: 'ord_1', seen: true }, headers: { ...input.headers, 'X-A': '1' } });
  });

  it('given an endless loop, when run, then a timeout error and the next call is ok', { timeout: 20_000 }, async () => {
    expect(errorOf(await pool.run('function transform(w) { while (true) {} }', input))).toMatch(/CPU time limit of 50 ms/);
    expect((await pool.run(identity, input)).kind).toBe('ok');
  });

  it('given a memory bomb, when run, then an error and the next call is ok', { timeout: 20_000 }, async () => {
    expect(errorOf(await pool.run('const a = []; while (true) a.push(new Array(1e6).fill(1));', input))).toMatch(/memory limit/);
    expect((await pool.run(identity, input)).kind).toBe('ok');
  });

  it('given native work that never polls the interrupt, when run, then the worker is replaced and the next call is ok', { timeout: 30_000 }, async () => {
    // Each iteration is a long native fill() that ends in a caught out-of-memory, so the
    // interpreter reaches its interrupt check only every 10,000 iterations: minutes of CPU.
    const stuck = 'function transform(w) { const a = []; for (;;) { try { while (true) a.push(new Array(1e6).fill(1)); } catch (e) { a.length = 0; } } }';
    expect(errorOf(await pool.run(stuck, input))).toMatch(/did not answer within 1250 ms; its worker was restarted/);
    expect((await pool.run(identity, input)).kind).toBe('ok');
  });

  it('given deep recursion and deep nesting, when run on a worker, then clean errors and the next call is ok', { timeout: 30_000 }, async () => {
    expect(errorOf(await pool.run('function transform(w) { return transform(w) + 1; }', input))).toMatch(/stack overflow/);
    expect(errorOf(await pool.run('function transform(w) { eval("[".repeat(1e5) + "]".repeat(1e5)); }', input))).toMatch(/stack overflow/);
    expect((await pool.run(identity, input)).kind).toBe('ok');
  });

  it('given one code sets a global, when another code runs on the same worker, then it does not see it', { timeout: 20_000 }, async () => {
    expect((await pool.run('globalThis.leak = 1; function transform(w) { return w; }', input)).kind).toBe('ok');
    const result = await pool.run('function transform(w) { w.payload = typeof leak; return w; }', input);
    expect(result).toMatchObject({ kind: 'ok', payload: 'undefined' });
  });

  it('given code probing for the host, when run on a worker, then require and process do not exist', { timeout: 20_000 }, async () => {
    const result = await pool.run('function transform(w) { w.payload = [typeof require, typeof process]; return w; }', input);
    expect(result).toMatchObject({ kind: 'ok', payload: ['undefined', 'undefined'] });
  });

  it('given invalid output or a syntax error, when run, then error results', { timeout: 20_000 }, async () => {
    expect(errorOf(await pool.run('function transform(w) { w.url = "ftp://x"; return w; }', input))).toMatch(/http or https/);
    expect(errorOf(await pool.run('function transform(w) { w.headers.n = 1; return w; }', input))).toMatch(/string value/);
    expect(errorOf(await pool.run('function transform(w {', input))).toMatch(/^SyntaxError/);
  });

  it('given many calls at once on two workers, when run, then every call gets its own answer', { timeout: 30_000 }, async () => {
    const wide = new TransformPool({ workers: 2 });
    try {
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) =>
        wide.run('function transform(w) { w.payload.n = w.payload.i * 2; return w; }', { ...input, payload: { i } })));
      expect(results.map((r) => (r.kind === 'ok' ? (r.payload as { n: number }).n : r))).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
    } finally {
      await wide.close();
    }
  });

  it('given a closed pool, when a call is in flight or made later, then both get an error', { timeout: 20_000 }, async () => {
    const closing = new TransformPool({ workers: 1, timeoutMs: 5_000 });
    const inFlight = closing.run('function transform(w) { while (true) {} }', input);
    await closing.close();
    expect(errorOf(await inFlight)).toMatch(/closed/);
    expect(errorOf(await closing.run(identity, input))).toMatch(/closed/);
  });
});
