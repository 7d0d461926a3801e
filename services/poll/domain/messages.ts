/** A dispatch to a poll-mode endpoint, queued for GET /poll instead of pushed (services/poll/queue.ts). */
export type DeliveryQueuedForPoll = {
  type: 'DeliveryQueuedForPoll';
  dispatchId: string; eventId: string; accountId: string; projectId: string; endpointId: string;
  eventType: string | null; url: string; payload: string; headers: Record<string, string>; maxAttempts: number;
  queuedAt: number; eventCreatedAt: number;
};
export type PollMessage = DeliveryQueuedForPoll;
export const POLL_MESSAGE_TYPES = ['DeliveryQueuedForPoll'] as const satisfies readonly PollMessage['type'][];
