import type { Processor } from '../platform/capability.ts';
import type { RoleEnv } from '../platform/role-env.ts';
import { TransactionalProcessor } from '../platform/kafka/processor.ts';
import { DELAY_TIERS_MS } from './lanes.ts';
import { schedulerHandler } from './scheduler.ts';

/** The schedule role: moves due deliveries from the delay tiers back to their lanes. */
export async function start({ kafka, serde, topics, group }: RoleEnv): Promise<Processor[]> {
  return [new TransactionalProcessor({
    kafka, serde, groupId: group('scheduler'), topics: DELAY_TIERS_MS.map(topics.delay), handler: schedulerHandler(topics), setAsideTopic: topics.setAside,
    partitionsConsumedConcurrently: 8, maxWaitTimeInMs: 100,
  })];
}
