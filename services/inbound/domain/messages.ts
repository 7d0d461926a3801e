/** The inbound room's events (schemas/inbound/*.avsc): an inbound endpoint's versions, and each request it received. */
export type InboundStatus = 'active' | 'inactive';

/** An inbound endpoint's configuration as the log keeps it: `sourceConfig` is JSON, its secret fields sealed. */
export type InboundConfig = {
  name: string; pathSuffix: string; source: string; sourceConfig: string; destinationIds: string[];
  eventTypeMapping: string | null; description: string; transformation: string | null; status: InboundStatus;
};

type Base = { inboundEndpointId: string; accountId: string; projectId: string; version: number; at: number };
export type InboundEndpointCreated = Base & { type: 'InboundEndpointCreated'; config: InboundConfig };
export type InboundEndpointUpdated = Base & { type: 'InboundEndpointUpdated'; config: InboundConfig };
export type InboundEndpointDeleted = Base & { type: 'InboundEndpointDeleted' };
export type InboundEndpointEvent = InboundEndpointCreated | InboundEndpointUpdated | InboundEndpointDeleted;
export const INBOUND_ENDPOINT_EVENT_TYPES = ['InboundEndpointCreated', 'InboundEndpointUpdated', 'InboundEndpointDeleted'] as const satisfies readonly InboundEndpointEvent['type'][];

/** One request to /inbound/{pathSuffix}, verified or refused, and what became of it. */
export type InboundRequestReceived = {
  type: 'InboundRequestReceived';
  requestId: string; inboundEndpointId: string; accountId: string; projectId: string; receivedAt: number;
  method: string; url: string; headers: Record<string, string>; body: Buffer;
  verified: boolean; reason: string | null; detail: string | null; deliveryId: string | null;
  eventType: string | null; eventId: string | null; duplicate: boolean; status: number;
};

export type InboundMessage = InboundEndpointEvent | InboundRequestReceived;
export const INBOUND_MESSAGE_TYPES = [...INBOUND_ENDPOINT_EVENT_TYPES, 'InboundRequestReceived'] as const;
