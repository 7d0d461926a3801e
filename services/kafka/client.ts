import { Kafka, logLevel, type Admin } from 'kafkajs';
import type { Config } from '../config/config.ts';
import { topicSpecs } from './topics.ts';

/** One Kafka client per process; kafkajs stays behind services/kafka so it can be swapped. */
export function createKafka(config: Config, clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: config.kafkaBrokers,
    logLevel: logLevel.ERROR,
    retry: { initialRetryTime: 100, retries: 8 },
  });
}

/** Creates missing topics with their partitions and retention; existing ones are left as they are. */
export async function ensureTopics(kafka: Kafka, config: Config): Promise<void> {
  const admin: Admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topicSpecs(config.topicPrefix, config.partitions).filter((t) => !existing.has(t.name));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((t) => ({
        topic: t.name,
        numPartitions: t.partitions,
        replicationFactor: -1, // the broker default, so a multi-broker cluster replicates
        configEntries: Object.entries(t.config).map(([name, value]) => ({ name, value })),
      })),
    });
  } finally {
    await admin.disconnect();
  }
}
