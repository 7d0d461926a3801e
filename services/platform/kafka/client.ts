import { Kafka, logLevel, type Admin } from 'kafkajs';
import type { TopicSpec } from './topics.ts';

/** One Kafka client per process; kafkajs stays behind services/kafka so it can be swapped. */
export function createKafka(config: { kafkaBrokers: string[] }, clientId: string): Kafka {
  return new Kafka({
    clientId,
    brokers: config.kafkaBrokers,
    logLevel: logLevel.ERROR,
    retry: { initialRetryTime: 100, retries: 8 },
  });
}

/** Creates missing topics with their partitions and retention; existing ones are left as they are. */
export async function ensureTopics(kafka: Kafka, specs: readonly TopicSpec[]): Promise<void> {
  const admin: Admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((t) => !existing.has(t.name));
    if (missing.length === 0) return;
    await admin.createTopics({
      // kafkajs' own wait gives up on KRaft's transient UNKNOWN_TOPIC_OR_PARTITION: wait below instead.
      waitForLeaders: false,
      topics: missing.map((t) => ({
        topic: t.name,
        numPartitions: t.partitions,
        replicationFactor: -1, // the broker default, so a multi-broker cluster replicates
        configEntries: Object.entries(t.config).map(([name, value]) => ({ name, value })),
      })),
    });
    await waitForLeaders(admin, missing.map((t) => t.name));
  } finally {
    await admin.disconnect();
  }
}

/** Polls metadata until every partition of `topics` has a leader (bounded). */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const meta = await admin.fetchTopicMetadata({ topics });
      if (meta.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new Error(`topics without leaders after ${timeoutMs} ms: ${topics.join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Runs an admin call again while the broker answers with a retriable error (bounded). Right after
 * topics are created a KRaft broker can still answer NOT_LEADER_FOR_PARTITION to offset requests
 * for a moment, and kafkajs' admin does not retry those itself.
 */
export async function retryRetriable<T>(fn: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 100; ; delay = Math.min(delay * 2, 1_000)) {
    try {
      return await fn();
    } catch (err) {
      const retriable = (err as { retriable?: boolean }).retriable === true;
      if (!retriable || Date.now() + delay > deadline) throw err;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
