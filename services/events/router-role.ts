import type { Processor } from '../platform/capability.ts';
import type { RoleEnv } from '../platform/role-env.ts';
import { TransactionalProcessor } from '../platform/kafka/processor.ts';
import { routerHandler } from './router.ts';

/** The router role: accepted and replayed events, fanned out to their endpoints' dispatch lanes, in one transaction. */
export async function start({ kafka, serde, topics, store, group }: RoleEnv): Promise<Processor[]> {
  return [new TransactionalProcessor({ kafka, serde, groupId: group('router'), topics: [topics.events], handler: routerHandler(topics, store), setAsideTopic: topics.setAside })];
}
