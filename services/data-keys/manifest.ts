import { defineCapability } from '../platform/capability.ts';
import type { TopicSpec } from '../platform/kafka/topics.ts';
import { DATA_KEY_MESSAGE_TYPES, type DataKeyMessage } from './messages.ts';

/**
 * The data-keys topic: compacted, so each <accountId>/<keyId> keeps its latest record, and a
 * destroyed key (a tombstone) leaves the disk within a minute or so: a segment rolls at the first
 * append 10 s after it opened (DataKeys.destroy appends such a nudge), the cleaner (which checks
 * every log.cleaner.backoff.ms, 15 s by default) takes the log as soon as anything is dirty and
 * drops the wrapped key, a tombstone is itself dropped at a cleaning 10 s after it was first
 * cleaned, and the files the cleaner replaced are deleted 1 s later. The records are small and
 * few, so the short segments cost nothing. Settings of a topic that already exists are not
 * changed at boot (kafka-configs.sh --alter does it).
 */
export const DATA_KEYS_TOPIC_CONFIG = {
  'cleanup.policy': 'compact',
  'segment.ms': '10000',
  'min.cleanable.dirty.ratio': '0.01',
  'delete.retention.ms': '10000',
  'min.compaction.lag.ms': '0',
  'max.compaction.lag.ms': '20000',
  'file.delete.delay.ms': '1000',
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
