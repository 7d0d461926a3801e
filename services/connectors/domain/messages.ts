/** The connector aggregate's events (schemas/connectors/). Each one is a new version. */
export type ConnectorDefinition = {
  name: string; type: string; description: string;
  /**
   * The type's configuration as JSON text; the catalog's secret fields hold sealed values
   * (SecretBox, `v1.…`), never plain ones.
   */
  config: string;
  /** What each secret field is shown as on read (`https://hooks.slack.com/****`), as JSON text. */
  masked: string;
  /** The Go templates (title, text, color, subject, body) as JSON text, or null: the type's defaults. */
  template: string | null;
  /** Event types it receives (wildcards as endpoints have them); empty: none but alerts. */
  eventTypes: string[];
  /** Content filter rules (the endpoints' operators) as JSON text, or null. */
  filter: string | null;
  /** Categories it receives (the payload's `category`/`categories`); empty: any. */
  categories: string[];
  /** Alert severities forwarded (low, medium, high, critical); empty: all. */
  severityFilter: string[];
  /** Alert types forwarded; null: all. */
  alertTypeFilter: string[] | null;
  isActive: boolean;
};

type Base = { connectorId: string; accountId: string; projectId: string; version: number; at: number };
export type ConnectorCreated = Base & { type: 'ConnectorCreated'; definition: ConnectorDefinition };
export type ConnectorUpdated = Base & { type: 'ConnectorUpdated'; definition: ConnectorDefinition };
export type ConnectorDeleted = Base & { type: 'ConnectorDeleted' };
/** A notification the notifier could not make or send itself (a template that failed, mail the relay refused). */
export type ConnectorNotificationFailed = {
  type: 'ConnectorNotificationFailed'; connectorId: string; accountId: string; projectId: string;
  eventId: string; attempt: number; error: string; final: boolean; at: number;
};
/** Mail the notifier handed to the connector's SMTP relay. */
export type ConnectorMailSent = {
  type: 'ConnectorMailSent'; connectorId: string; accountId: string; projectId: string;
  eventId: string; attempt: number; messageId: string; at: number;
};
/** A delivery engine's breaker of the connector changed state (shown on its GET; not a configuration version). */
export type ConnectorCircuitChanged = Base & { type: 'ConnectorCircuitChanged'; state: 'closed' | 'open' | 'half_open'; consecutiveFailures: number; openUntil: number | null };
export type ConnectorEvent = ConnectorCreated | ConnectorUpdated | ConnectorDeleted | ConnectorCircuitChanged;
export type ConnectorMessage = ConnectorEvent | ConnectorNotificationFailed | ConnectorMailSent;
export const CONNECTOR_EVENT_TYPES = ['ConnectorCreated', 'ConnectorUpdated', 'ConnectorDeleted', 'ConnectorCircuitChanged'] as const;
export const CONNECTOR_MESSAGE_TYPES = [...CONNECTOR_EVENT_TYPES, 'ConnectorNotificationFailed', 'ConnectorMailSent'] as const;
