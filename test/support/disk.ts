import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import pg from 'pg';

/** Every regular file under `dir` (files that vanish while we walk, as Kafka's and Postgres' do, are passed over). */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(entries.map(async (e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return filesUnder(path);
    return e.isFile() ? [path] : [];
  }));
  return nested.flat();
}

/** For each marker, the files under `dirs` whose bytes hold it. */
export async function scan(dirs: string[], markers: string[]): Promise<Record<string, string[]>> {
  const found: Record<string, string[]> = Object.fromEntries(markers.map((m) => [m, []]));
  const needles = markers.map((m) => [m, Buffer.from(m, 'utf8')] as const);
  for (const file of (await Promise.all(dirs.map(filesUnder))).flat()) {
    const bytes = await readFile(file).catch(() => undefined);
    if (!bytes) continue;
    for (const [m, needle] of needles) if (bytes.includes(needle)) found[m]!.push(file);
  }
  return found;
}

/**
 * Where the stack keeps its data (the broker's log.dirs, the Postgres cluster's data directory),
 * asked of the servers themselves, after a CHECKPOINT (Postgres' dirty pages and WAL on disk).
 */
export async function dataDirs(config: { kafkaBrokers: string[]; databaseUrl: string }): Promise<{ kafka: string[]; postgres: string }> {
  const admin = new Kafka({ brokers: config.kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const { brokers } = await admin.describeCluster();
  const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.BROKER, name: String(brokers[0]!.nodeId), configNames: ['log.dirs', 'log.dir'] }] });
  await admin.disconnect();
  const client = new pg.Client({ connectionString: config.databaseUrl });
  await client.connect();
  try {
    await client.query('CHECKPOINT');
    const postgres = (await client.query<{ data_directory: string }>('SHOW data_directory')).rows[0]!.data_directory;
    return { kafka: resources[0]!.configEntries.filter((c) => c.configValue).flatMap((c) => c.configValue.split(',')), postgres };
  } finally {
    await client.end();
  }
}
