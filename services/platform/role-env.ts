import type { Kafka } from 'kafkajs';
import type { Topics } from '../capabilities.ts';
import type { Config } from './config/config.ts';
import type { Serde } from './kafka/serde.ts';
import type { Metrics } from './metrics/registry.ts';
import type { SecretBox } from './security/secrets.ts';
import type { ConfigStore } from './state/config-store.ts';
import type { DataKeys } from '../data-keys/store.ts';

/** What a role's processors are built from. */
export type RoleEnv = {
  config: Config; kafka: Kafka; serde: Serde; topics: Topics; secrets: SecretBox;
  /** The configuration folded from the log (for a role whose definition says `usesConfig`). */
  store: ConfigStore;
  /** A consumer group's name under the deployment's prefix. */
  group(name: string): string;
  /** This mittr's metrics (services/platform/metrics/registry.ts): a role registers its own in it. */
  metrics: Metrics;
  /** The workspaces' data keys (services/data-keys/store.ts); the serde already seals and opens with them. */
  dataKeys: DataKeys;
  /** Registers what to close when the process stops (after the processors). */
  onStop(stop: () => Promise<unknown>): void;
};
