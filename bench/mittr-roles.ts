/**
 * `mittr <role>,<role>` for the benchmark's split layout: services/main.ts runs one role (or
 * all) per process, and the bench runs router and scheduler together in one process. Same boot,
 * same "started" line and same graceful SIGTERM as services/main.ts. Loads mittr from the
 * current directory (the harness sets it to the checkout under test, see --rev).
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as ConfigModule from '../services/platform/config/config.ts';
import type * as MittrModule from '../services/mittr.ts';

const src = process.cwd();
const { loadConfig } = (await import(pathToFileURL(join(src, 'services/platform/config/config.ts')).href)) as typeof ConfigModule;
const { ROLES, startMittr } = (await import(pathToFileURL(join(src, 'services/mittr.ts')).href)) as typeof MittrModule;

const roles = (process.argv[2] ?? '').split(',').filter(Boolean);
const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
if (roles.length === 0 || unknown.length > 0) {
  console.error(`usage: mittr-roles.ts <role>[,<role>...]  (roles: ${ROLES.join(', ')})`);
  process.exit(2);
}

const mittr = await startMittr(loadConfig(), roles as MittrModule.Role[]);
console.log(`mittr ${roles.join(',')} started${mittr.url ? ` on ${mittr.url}` : ''}`);
let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  await mittr.stop();
  process.exit(0);
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
