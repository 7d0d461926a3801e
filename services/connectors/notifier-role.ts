import type { Processor } from '../platform/capability.ts';
import type { RoleEnv } from '../platform/role-env.ts';
import { TransactionalProcessor } from '../platform/kafka/processor.ts';
import { sendConnectorMail } from './mail.ts';
import { notifierHandler } from './notifier.ts';

/**
 * The notify role: its own consumer group on the events topic, beside the router (which it
 * neither waits for nor slows), turning accepted events into connector notifications.
 */
export async function start({ config, kafka, serde, topics, store, secrets, group }: RoleEnv): Promise<Processor[]> {
  // Events are read with their payloads and headers sealed, opened only for a project that has
  // connectors: the notifier opened every accepted event's payload, an AES operation and a cached
  // copy per event (a sealed e2e profile's largest sealing cost) where most projects have none.
  const reader = serde.sealedReader([]);
  const policy = { allowPrivateNetworks: config.allowPrivateNetworks, operatorCidrs: config.allowedCidrs, allowedCidrs: [], blockedCidrs: [] };
  const handler = notifierHandler({ topics, store, open: (s) => secrets.open(s), openEvent: (e) => reader.openDecoded(e), sendMail: (c, m) => sendConnectorMail(c, m, policy) });
    // Only accepted events are its business: the rest of the topic (EventRouted, edits, replays) is not even decoded.
  return [new TransactionalProcessor({ kafka, serde: reader, groupId: group('notifier'), topics: [topics.events], types: ['EventAccepted'], handler, setAsideTopic: topics.setAside })];
}
