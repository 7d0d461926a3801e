/** Child processes of the benchmark (mittr, the sink, the load generator): started, logged, stopped. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT } from './stack.ts';

/** Every child started by the harness, so an interrupted run still stops them. */
const live = new Set<Child>();

export type Child = {
  name: string;
  proc: ChildProcess;
  pid: number;
  /** The last lines of its output, for error messages. */
  tail: string[];
  exited: Promise<number | null>;
  /** Resolves with the first match of `re` in its stdout/stderr, rejects on timeout or exit. */
  waitForLine(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
};

/**
 * Starts `bash scripts/run-node <args>` (the project's Node, which `exec`s: the child's pid is
 * the Node process) in `cwd` with `env`, logging its output to `logFile`.
 */
export function startNode(name: string, args: string[], env: Record<string, string>, logFile: string, cwd = ROOT): Child {
  return startBash(name, [join(ROOT, 'scripts', 'run-node'), ...args], env, logFile, cwd);
}

/**
 * Starts mittr (`<args>`: a role, `all`, `rebuild ...`) the way users do, through the checkout's
 * `scripts/mittr` (its runtime settings); a checkout from before that launcher runs
 * services/main.ts directly. Both `exec` down to Node: the child's pid is mittr's.
 */
export function startMittrProcess(name: string, args: string[], env: Record<string, string>, logFile: string, src: string): Child {
  const launcher = join(src, 'scripts', 'mittr');
  if (existsSync(launcher)) return startBash(name, [launcher, ...args], env, logFile, src);
  return startNode(name, ['services/main.ts', ...args], env, logFile, src);
}

function startBash(name: string, argv: string[], env: Record<string, string>, logFile: string, cwd: string): Child {
  const proc = spawn('bash', argv, {
    cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile);
  const tail: string[] = [];
  const watchers = new Set<(line: string) => void>();
  const onData = (chunk: Buffer) => {
    log.write(chunk);
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      tail.push(line);
      if (tail.length > 40) tail.shift();
      for (const w of watchers) w(line);
    }
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => {
    live.delete(child);
    log.end();
    resolve(code);
  }));
  const child: Child = {
    name, proc, pid: proc.pid ?? -1, tail, exited,
    waitForLine(re, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`${name}: no line matching ${re} within ${timeoutMs} ms\n${tail.join('\n')}`)), timeoutMs);
        const watcher = (line: string) => {
          const m = re.exec(line);
          if (m) done(null, m);
        };
        const done = (err: Error | null, m?: RegExpMatchArray) => {
          clearTimeout(timer);
          watchers.delete(watcher);
          if (err) reject(err); else resolve(m!);
        };
        watchers.add(watcher);
        for (const line of tail) watcher(line);
        void exited.then((code) => done(new Error(`${name} exited (code ${code}) before printing ${re}\n${tail.join('\n')}`)));
      });
    },
  };
  live.add(child);
  return child;
}

/** SIGTERM, then SIGKILL after `graceMs`. */
export async function stopChild(c: Child, graceMs = 20_000): Promise<void> {
  if (c.proc.exitCode !== null || c.proc.signalCode !== null) return;
  c.proc.kill('SIGTERM');
  const killed = await Promise.race([c.exited.then(() => false), sleep(graceMs).then(() => true)]);
  if (killed) {
    c.proc.kill('SIGKILL');
    await Promise.race([c.exited, sleep(5_000)]);
  }
}

/** Kills whatever the harness still runs (on an interrupt or a crash). */
export function killAll(): void {
  for (const c of live) {
    try { c.proc.kill('SIGKILL'); } catch { /* already gone */ }
  }
}

export { freePort } from '../../test/support/ports.ts';
