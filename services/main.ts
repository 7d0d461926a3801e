#!/usr/bin/env node
import { Command } from 'commander';
import { ConfigError, loadConfig } from './platform/config/config.ts';
import { SingleBar, Presets } from 'cli-progress';
import { prepareMittr, ROLES, startMittr, type Role } from './mittr.ts';
import { ProcessingThread } from './platform/processing-thread.ts';
import { rebuild } from './rebuild.ts';

const program = new Command('mittr').description('mittr: webhook delivery on Kafka');
for (const role of ['all', ...ROLES] as const) {
  program.command(role).description(role === 'all' ? 'run every role in this process' : `run the ${role} role`)
    .action(() => (role === 'all' ? runAll() : run([role])));
}

program.command('rebuild')
  .description('drop the read models and rebuild them from the log (with --verify: into a shadow schema, compared with the live one)')
  .option('--verify', 'rebuild into a shadow schema and compare it table by table with the live read models')
  .action(async (opts: { verify?: boolean }) => {
    const bar = new SingleBar({ format: 'rebuild [{bar}] {percentage}% | {value}/{total} events | {eta_formatted} left', etaBuffer: 50 }, Presets.shades_classic);
    let started = false;
    const result = await rebuild(loadOrExit(), {
      verify: opts.verify,
      onProgress: (done, total) => {
        if (!started) { bar.start(total, 0); started = true; }
        bar.update(done);
      },
    });
    bar.stop();
    console.log(JSON.stringify(result, null, 2));
    process.exit(result.identical === false ? 1 : 0);
  });

function loadOrExit() {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) { console.error(`mittr: ${err.message}`); process.exit(2); }
    throw err;
  }
}

/**
 * Every role: the API on this thread, the stream processors on others
 * (services/platform/processing-thread.ts): the router, scheduler and engine on one, the
 * projectors on their own unless MITTR_PROJECTOR_THREAD=false.
 */
function runAll(): Promise<void> {
  const processors = ROLES.filter((r) => r !== 'api');
  return run(['api'], loadOrExit().projectorThread ? [processors.filter((r) => r !== 'project'), ['project']] : [processors]);
}

async function run(roles: readonly Role[], threadRoles: ReadonlyArray<readonly Role[]> = []): Promise<void> {
  const config = loadOrExit();
  // With processing threads, topics and migrations are done once here, not by every thread.
  const threaded = threadRoles.length > 0;
  if (threaded) await prepareMittr(config, ROLES);
  const [mittr, ...threads] = await Promise.all([
    startMittr(config, roles, { prepared: threaded }),
    ...threadRoles.map((group) => ProcessingThread.start(group)),
  ]);
  // The engine's metrics live on a processing thread: /metrics, served here, asks each at every scrape.
  for (const thread of threads) mittr.metrics.addRemote(() => thread.metrics());
  const running = [...roles, ...threadRoles.flat()];
  const mode = config.allowPrivateNetworks
    ? 'DEVELOPMENT MODE: deliveries to loopback and private addresses are ALLOWED'
    : `deliveries to loopback/private addresses are refused${config.allowedCidrs.length > 0 ? ` but for MITTR_ALLOWED_CIDRS ${config.allowedCidrs.join(',')}` : ''}`;
  console.log(`mittr ${running.join(',')} started${mittr.url ? ` on ${mittr.url}` : ''}${mittr.metricsUrl ? `, metrics on ${mittr.metricsUrl}/metrics` : ''}; ${mode}`);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await mittr.stop();
    await Promise.all(threads.map((thread) => thread.stop()));
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error('mittr: failed to start:', err);
  process.exit(1);
});
