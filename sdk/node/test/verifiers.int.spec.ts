import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SDK = join(import.meta.dirname, '..', '..');
const MITTR_DIR = join(SDK, '..', '.mittr');
const go = existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go';

/** python3 with pytest: the machine's if it has pytest, else a venv under .mittr/ with pytest installed by pip. */
function pythonWithPytest(): string {
  if (spawnSync('python3', ['-m', 'pytest', '--version']).status === 0) return 'python3';
  const venv = join(MITTR_DIR, 'sdk-venv');
  const py = join(venv, 'bin', 'python');
  if (!existsSync(py)) execFileSync('python3', ['-m', 'venv', venv], { stdio: 'inherit' });
  if (spawnSync(py, ['-m', 'pytest', '--version']).status !== 0) execFileSync(py, ['-m', 'pip', 'install', '--quiet', 'pytest'], { stdio: 'inherit' });
  return py;
}

const run = (cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) => {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 180_000 });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
};

/** The Python and Go verifiers, and the quickstart's snippets in both, over sdk/vectors/signatures.json. */
describe('verifiers in Python and Go', () => {
  it('pytest passes over the vectors', () => {
    const r = run(pythonWithPytest(), ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], join(SDK, 'python'));
    expect(r.out).toMatch(/\d+ passed/);
    expect(r.status, r.out).toBe(0);
  });

  it('go test passes over the vectors (stdlib only: nothing is downloaded)', () => {
    const cache = join(MITTR_DIR, 'go-cache');
    mkdirSync(cache, { recursive: true });
    const env = { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local', GOCACHE: cache, GOPATH: join(MITTR_DIR, 'go-path'), GOPROXY: 'off' };
    const r = run(go, ['test', '-count=1', '-v', './...'], join(SDK, 'go'), env);
    expect(r.out).toMatch(/--- PASS: TestVectors/);
    expect(r.out).toMatch(/--- PASS: TestSnippetOverVectors/);
    expect(r.status, r.out).toBe(0);
  });
});
