import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Where the built front end is: MITTR_DASHBOARD_DIR, else web/dist of the checkout this module
 * belongs to (found upwards, so a compiled build under .mittr/builds finds it too). Undefined
 * when it was never built.
 */
export function distDirectory(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.MITTR_DASHBOARD_DIR) return existsSync(join(env.MITTR_DASHBOARD_DIR, 'index.html')) ? env.MITTR_DASHBOARD_DIR : undefined;
  let dir = import.meta.dirname;
  for (let up = 0; up < 8; up++) {
    const candidate = join(dir, 'web', 'dist');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

/** The page every dashboard and portal path answers (its router reads the path); read per request, so a rebuild shows without a restart. */
export const indexHtml = (dist: string) => readFile(join(dist, 'index.html'), 'utf8');
