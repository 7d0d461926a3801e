import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const SCENARIOS = ['ingest-single', 'ingest-batch', 'inbound', 'e2e', 'e2e-latency', 'fanout', 'fifo', 'rebuild'];

/**
 * `npm run bench -- --quick` as CI's smoke test of the harness: every scenario runs end to end
 * against the real stack and writes its results file with the headline figure names. Speed is not
 * judged here; correctness figures (lost, order, rebuild identity) are.
 */
describe('the benchmark harness (--quick)', () => {
  const dir = mkdtempSync(join(os.tmpdir(), 'mittr-bench-smoke-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs every scenario and writes comparable results', async () => {
    const output: string[] = [];
    const code = await new Promise<number | null>((resolve) => {
      const p = spawn('bash', [join(ROOT, 'scripts', 'bench'), '--quick'], {
        cwd: ROOT, env: { ...process.env, MITTR_BENCH_RESULTS: dir }, stdio: ['ignore', 'pipe', 'pipe'],
      });
      const keep = (b: Buffer) => { output.push(b.toString('utf8')); if (output.length > 300) output.shift(); };
      p.stdout.on('data', keep);
      p.stderr.on('data', keep);
      const timer = setTimeout(() => p.kill('SIGINT'), 540_000);
      p.on('exit', (c) => { clearTimeout(timer); resolve(c); });
    });
    if (code !== 0) console.error(output.join('').split('\n').slice(-60).join('\n'));
    expect(code).toBe(0);

    const read = (s: string) => JSON.parse(readFileSync(join(dir, `${s}.json`), 'utf8')) as {
      scenario: string; startedAt: string; machine: { cores: number }; figures: Record<string, unknown>;
    };
    for (const s of SCENARIOS) {
      const r = read(s);
      expect(r).toMatchObject({ scenario: s, machine: { cores: expect.any(Number) } });
      expect(Date.parse(r.startedAt)).not.toBeNaN();
      expect(readFileSync(join(dir, `${s}.svg`), 'utf8')).toMatch(/^<svg/);
    }
    expect(read('ingest-single').figures).toMatchObject({ eventsPerSec: expect.any(Number), latencyMs: { p50: expect.any(Number), p99: expect.any(Number) } });
    expect(read('ingest-batch').figures).toMatchObject({ eventsPerSec: expect.any(Number), ratioToSingle: expect.any(Number) });
    expect(read('inbound').figures).toMatchObject({ verifiedReceiptsPerSec: expect.any(Number), ratioToIngestSingle: expect.any(Number), non202: 0 });
    expect(read('e2e').figures).toMatchObject({
      deliveredPerSec: expect.any(Number), processingOverheadUs: { p50: expect.any(Number) }, projectionLagMs: { p99: expect.any(Number) },
      peakRssMb: { all: expect.any(Number) }, lost: 0, duplicates: 0,
    });
    expect(read('e2e-latency').figures).toMatchObject({ latencyMs: { p99: expect.any(Number) }, lost: 0 });
    expect(read('fanout').figures).toMatchObject({ deliveredPerSec: expect.any(Number), lost: 0 });
    expect(read('fifo').figures).toMatchObject({ deliveredPerSec: expect.any(Number), nonFifoDeliveredPerSec: expect.any(Number), orderViolations: 0, lost: 0 });
    expect(read('rebuild').figures).toMatchObject({ eventsPerSec: expect.any(Number), identical: true });
  }, 600_000);
});
