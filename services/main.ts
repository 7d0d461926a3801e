#!/usr/bin/env node
import { Command } from 'commander';
import { ConfigError, loadConfig } from './config/config.ts';
import { ROLES, startMittr, type Role } from './mittr.ts';

const program = new Command('mittr').description('mittr: webhook delivery on Kafka');
for (const role of ['all', ...ROLES] as const) {
  program.command(role).description(role === 'all' ? 'run every role in this process' : `run the ${role} role`)
    .action(() => run(role === 'all' ? ROLES : [role]));
}

async function run(roles: readonly Role[]): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) { console.error(`mittr: ${err.message}`); process.exit(2); }
    throw err;
  }
  const mittr = await startMittr(config, roles);
  const mode = config.allowPrivateNetworks
    ? 'DEVELOPMENT MODE: deliveries to loopback and private addresses are ALLOWED'
    : 'deliveries to loopback/private addresses are refused';
  console.log(`mittr ${roles.join(',')} started${mittr.url ? ` on ${mittr.url}` : ''}; ${mode}`);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await mittr.stop();
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error('mittr: failed to start:', err);
  process.exit(1);
});
