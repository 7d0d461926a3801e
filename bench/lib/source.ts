/** The mittr code under test (the working tree or an exported commit) and the machine it runs on. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pgQuery, ROOT } from './stack.ts';

/** The mittr code under test: the working tree, or a commit exported with `git archive`. */
export type Source = { dir: string; commit: string };

/** The working tree, its commit marked `+dirty` when services/ or projections/ have local changes. */
export function workingTree(): Source {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'services', 'projections', 'schemas'], { cwd: ROOT }).toString().trim();
    if (dirty) commit += '+dirty';
  } catch { /* not a git checkout */ }
  return { dir: ROOT, commit };
}

/**
 * Exports `rev` (git archive, nothing in the repository changes) to a temp directory that shares
 * this checkout's node_modules, so a benchmark can measure a commit while the tree is being edited.
 */
export function exportRev(rev: string): Source {
  const commit = execFileSync('git', ['rev-parse', '--short', `${rev}^{commit}`], { cwd: ROOT }).toString().trim();
  const dir = join(os.tmpdir(), `mittr-bench-src-${commit}`);
  if (!existsSync(join(dir, 'services', 'main.ts'))) {
    mkdirSync(dir, { recursive: true });
    execFileSync('bash', ['-c', 'git archive "$1" | tar -x -C "$2"', 'export', commit, dir], { cwd: ROOT, timeout: 120_000 });
  }
  if (!existsSync(join(dir, 'node_modules'))) symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return { dir, commit };
}

export type Machine = {
  cores: number; memoryMb: number; cpuModel: string; node: string; kafka: string; postgres: string;
  registry: string; os: string; loadAvg1m: number; gitCommit: string; colocated: true;
};

export async function machineInfo(source: Source): Promise<Machine> {
  let postgres = 'unknown';
  try { postgres = (await pgQuery<{ server_version: string }>('SHOW server_version'))[0]?.server_version ?? 'unknown'; } catch { /* reported as unknown */ }
  const gitCommit = source.commit;
  return {
    cores: os.cpus().length,
    memoryMb: Math.round(os.totalmem() / 2 ** 20),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    kafka: '3.9.1',
    postgres,
    registry: 'Apicurio Registry 3.3.3',
    os: `${os.type()} ${os.release()}`,
    loadAvg1m: Math.round(os.loadavg()[0]! * 100) / 100,
    gitCommit,
    colocated: true,
  };
}
