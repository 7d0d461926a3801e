import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MiB = 1024 * 1024;

/**
 * `mittr all` gives its two threads different young generations (scripts/mittr): the main thread
 * from the command line, the processing thread through useThreadV8Flags before it starts. That
 * rests on V8 reading its heap settings when an isolate is created; this runs it in a fresh
 * process (a flag changed here would outlive the spec in vitest's own).
 */
describe('useThreadV8Flags', () => {
  const threadModule = fileURLToPath(new URL('./processing-thread.ts', import.meta.url));
  const script = `
    import v8 from 'node:v8';
    import { Worker } from 'node:worker_threads';
    import { useThreadV8Flags } from ${JSON.stringify(threadModule)};
    const newSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
    useThreadV8Flags('--min-semi-space-size=8 --max-semi-space-size=8');
    // Objects that survive scavenges make V8 grow this isolate's young generation to its limit.
    let keep = [];
    for (let i = 0; i < 3e6; i++) { keep.push({ i }); if (keep.length > 100000) keep = []; }
    const w = new Worker("require('node:worker_threads').parentPort.postMessage(require('node:v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size)", { eval: true, execArgv: [] });
    w.once('message', (thread) => { console.log(JSON.stringify({ main: newSpace(), thread })); process.exit(0); });
  `;
  const run = (args: string[]) => {
    const out = spawnSync(process.execPath, [...args, '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(out.status, out.stderr).toBe(0);
    return JSON.parse(out.stdout) as { main: number; thread: number };
  };

  it('sizes a thread started after it, and leaves the running isolate as the command line set it', () => {
    const { main, thread } = run(['--max-semi-space-size=2']);
    expect(main).toBeLessThanOrEqual(4 * MiB);
    expect(thread).toBeGreaterThanOrEqual(8 * MiB);
  });
});
