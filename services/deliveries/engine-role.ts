import { readFile } from 'node:fs/promises';
import type { Processor } from '../platform/capability.ts';
import type { RoleEnv } from '../platform/role-env.ts';
import { GroupSize } from '../platform/kafka/group-size.ts';
import { ParallelProcessor } from '../platform/kafka/parallel-processor.ts';
import { engineHandler } from './engine.ts';
import { LANE_WEIGHTS, LANES } from './lanes.ts';
import { deliveryMetrics } from './metrics.ts';
import { RateLimitPublisher } from './rate-limit-snapshots.ts';
import { RateLimiter } from './rate-limiter.ts';
import { AgentPool } from './sender.ts';
import { StorageSinks } from './storage-sink.ts';
import { TransformPool } from './transform/index.ts';

/** The deliver role: one engine consumer per lane, sending over address-checked connections. */
export async function start({ config, kafka, serde, topics, store, secrets, group, onStop, metrics }: RoleEnv): Promise<Processor[]> {
  const agents = new AgentPool({ allowPrivateNetworks: config.allowPrivateNetworks, operatorCidrs: config.allowedCidrs }, config.tlsCaFile ? await readFile(config.tlsCaFile, 'utf8') : undefined);
  onStop(() => agents.close());
  const engines = new GroupSize(kafka, group('engine.high'));
  await engines.start();
  onStop(() => engines.stop());
  const transforms = new TransformPool();
  onStop(() => transforms.close());
  const limiter = new RateLimiter();
  // The limiters' live state, for GET /metrics/rate-limits on any API process (rate-limit-snapshots.ts).
  const snapshots = new RateLimitPublisher(kafka, topics.rateLimits, limiter);
  await snapshots.start();
  onStop(() => snapshots.stop());
  const sinks = new StorageSinks((ep) => agents.policy(ep.config.allowedCidrs, ep.config.blockedCidrs), (sealed) => secrets.open(sealed));
  onStop(async () => sinks.close());
  const handler = engineHandler({ topics, agents, store, secrets, limiter, transforms, sinks, engines: () => engines.size,
    recordAttempt: deliveryMetrics(metrics.registry) });
  // One consumer per priority lane (ARCHITECTURE 8): a backlog in one lane never stands in
  // front of another; each lane's share of held deliveries is weighted.
  return LANES.map((lane) => new ParallelProcessor({
    kafka, serde, groupId: group(`engine.${lane}`), topics: [topics.lane(lane)], handler, setAsideTopic: topics.setAside,
    maxPendingPerPartition: LANE_WEIGHTS[lane], onError: (err) => console.error(`mittr engine.${lane}:`, err),
  }));
}
