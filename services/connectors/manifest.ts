import { defineCapability } from '../platform/capability.ts';
import { configTopic, logTopic } from '../platform/kafka/topics.ts';
import { CONNECTOR_MESSAGE_TYPES, type ConnectorMessage } from './domain/messages.ts';
import type { ConnectorsState } from './state.ts';

type ConnectorTopics = { connectors: string; notifications: string };

/** Connectors: native messages on Slack, Discord, Teams, e-mail and URLs, sent by the notifier role. */
export const connectors = defineCapability<ConnectorMessage, ConnectorTopics, { connectors: ConnectorsState }, 'notify'>({
  name: 'connectors',
  messageTypes: CONNECTOR_MESSAGE_TYPES,
  topicNames: (prefix) => ({ connectors: `${prefix}connectors`, notifications: `${prefix}connector-notifications` }),
  topicSpecs: (t, partitions) => [configTopic(t.connectors), logTopic(t.notifications, partitions)],
  state: async (t) => ({ connectors: new (await import('./state.ts')).ConnectorsState(t.connectors) }),
  apiTags: [{ name: 'Connectors', description: 'Slack, Discord, Teams, e-mail, Zapier and URL notifications of events, from templates' }],
  routes: async () => [(await import('./routes.ts')).connectorRoutes],
  projections: async () => [(await import('../../projections/connectors/projector.ts')).connectorsProjection],
  roles: { notify: { usesConfig: true, load: () => import('./notifier-role.ts') } },
});
