/** The endpoint aggregate's events (schemas/Endpoint*.avsc). Each one is a new version. */
export type EndpointConfig = {
  url: string; eventTypes: string[]; description: string; filter: string | null; transformation: string | null;
  fifo: boolean; fifoPartitionKey: string | null; maxRetries: number; retryBackoffMs: number; retryBackoffMax: number;
  retryBackoffMult: number; timeoutMs: number; rateLimitPerSec: number; circuitThreshold: number; circuitResetMs: number;
  customHeaders: Record<string, string>; allowedCidrs: string[]; blockedCidrs: string[]; deliveryMode: string;
  storageConfig: string | null;
};

type Base = { endpointId: string; accountId: string; projectId: string; version: number; at: number };
export type EndpointCreated = Base & {
  type: 'EndpointCreated'; config: EndpointConfig; signingSecretEnc: string;
  /** The sub-account it belongs to (null or absent: the workspace's own); it never changes. */
  subAccountId?: string | null;
};
export type EndpointUpdated = Base & { type: 'EndpointUpdated'; config: EndpointConfig; rolledBackTo: number | null };
export type EndpointDeleted = Base & { type: 'EndpointDeleted' };
export type EndpointPaused = Base & { type: 'EndpointPaused' };
export type EndpointResumed = Base & { type: 'EndpointResumed' };
export type EndpointSecretRotated = Base & {
  type: 'EndpointSecretRotated'; signingSecretEnc: string; previousSecretEnc: string; previousExpiresAt: number;
};
export type EndpointMtlsConfigured = Base & { type: 'EndpointMtlsConfigured'; certPem: string; keyPemEnc: string };
export type EndpointMtlsRemoved = Base & { type: 'EndpointMtlsRemoved' };
/** Not a configuration change: carries the endpoint's current version and does not bump it. */
export type EndpointCircuitChanged = Base & {
  type: 'EndpointCircuitChanged'; state: 'closed' | 'open' | 'half_open'; consecutiveFailures: number; openUntil: number | null;
};
export type EndpointEvent =
  | EndpointCreated | EndpointUpdated | EndpointDeleted | EndpointPaused | EndpointResumed | EndpointSecretRotated
  | EndpointMtlsConfigured | EndpointMtlsRemoved | EndpointCircuitChanged;
export const ENDPOINT_EVENT_TYPES = [
  'EndpointCreated', 'EndpointUpdated', 'EndpointDeleted', 'EndpointPaused', 'EndpointResumed', 'EndpointSecretRotated',
  'EndpointMtlsConfigured', 'EndpointMtlsRemoved', 'EndpointCircuitChanged',
] as const;
