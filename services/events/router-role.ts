import type { Processor } from '../platform/capability.ts';
import type { RoleEnv } from '../platform/role-env.ts';
import { TransactionalProcessor } from '../platform/kafka/processor.ts';
import { routerHandler } from './router.ts';

/**
 * The router role: accepted and replayed events, fanned out to their endpoints' dispatch lanes, in
 * one transaction. It reads events with their payloads and headers left sealed, and opens one only
 * when a filter or a FIFO key reads it (router.ts, Opener).
 */
export async function start({ kafka, serde, topics, store, group }: RoleEnv): Promise<Processor[]> {
  const reader = serde.sealedReader([]);
  const handler = routerHandler(topics, store, Date.now, (e) => reader.openDecoded(e));
  return [new TransactionalProcessor({ kafka, serde: reader, groupId: group('router'), topics: [topics.events], handler, setAsideTopic: topics.setAside })];
}
