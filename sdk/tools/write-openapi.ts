/**
 * Writes sdk/openapi.json (the document mittr serves at GET /openapi.json) and the SDK's types
 * generated from it (sdk/node/src/openapi.ts). Run after changing a route's contract:
 *
 *   source scripts/node-env.sh && node sdk/tools/write-openapi.ts
 *
 * It starts mittr's API on the running stack (scripts/stack up) in a schema and topic prefix of
 * its own, removed afterwards. sdk/node/test/openapi-drift.int.spec.ts fails when either file
 * differs from what the server produces now.
 */
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { loadConfig } from '../../services/platform/config/config.ts';
import { startMittr } from '../../services/mittr.ts';
import { servedDocument, writeDocumentAndTypes, DOCUMENT_PATH } from './openapi-doc.ts';

const id = randomBytes(4).toString('hex');
const config = loadConfig({
  ...process.env,
  PORT: '0',
  KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
  DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://mittr:mittr@127.0.0.1:5432/mittr',
  SCHEMA_REGISTRY_URL: process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7',
  KAFKA_TOPIC_PREFIX: `sdkdoc${id}.`,
  DATABASE_SCHEMA: `sdkdoc_${id}`,
  MITTR_LOG_LEVEL: 'silent',
  MITTR_HOME: join(tmpdir(), 'mittr-sdk-openapi'),
});
const mittr = await startMittr(config, ['api']);
try {
  await writeDocumentAndTypes(await servedDocument(mittr.url!));
  console.log(`wrote ${DOCUMENT_PATH} and the SDK's types`);
} finally {
  await mittr.stop();
  const client = new pg.Client({ connectionString: config.databaseUrl });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${config.databaseSchema}" CASCADE`);
  await client.end();
  const admin = new Kafka({ brokers: config.kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const mine = (await admin.listTopics()).filter((t) => t.startsWith(config.topicPrefix));
  if (mine.length > 0) await admin.deleteTopics({ topics: mine });
  await admin.disconnect();
}
