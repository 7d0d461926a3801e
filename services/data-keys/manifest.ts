import { defineCapability } from '../platform/capability.ts';
import type { TopicSpec } from '../platform/kafka/topics.ts';
import { DATA_KEY_MESSAGE_TYPES, type DataKeyMessage } from './messages.ts';

/**
 * The data-keys topic: compacted, so each <accountId>/<keyId> keeps its latest record, and a
 * destroyed key (a tombstone) leaves the disk soon: segments roll after a minute, the cleaner
 * takes the log as soon as anything is dirty, and a tombstone is itself dropped a minute after
 * it was cleaned. (The cleaner never touches the active segment: DataKeys.nudgeCleaner rolls it.)
 */
export const DATA_KEYS_TOPIC_CONFIG = {
  'cleanup.policy': 'compact',
  'segment.ms': '60000',
  'min.cleanable.dirty.ratio': '0.01',
  'delete.retention.ms': '60000',
  'min.compaction.lag.ms': '0',
  'max.compaction.lag.ms': '120000',
};

export const dataKeysTopic = (name: string): TopicSpec => ({ name, partitions: 1, config: DATA_KEYS_TOPIC_CONFIG });

/**
 * Envelope encryption of personal and customer fields (services/platform/crypto/envelope.ts):
 * each workspace's data keys, wrapped by the master key, on their own compacted topic that every
 * process reads into memory (services/data-keys/store.ts). Nothing in Postgres holds a key.
 */
export const dataKeys = defineCapability<DataKeyMessage, { dataKeys: string }>({
  name: 'data-keys',
  messageTypes: DATA_KEY_MESSAGE_TYPES,
  topicNames: (prefix) => ({ dataKeys: `${prefix}data-keys` }),
  topicSpecs: (t) => [dataKeysTopic(t.dataKeys)],
});
