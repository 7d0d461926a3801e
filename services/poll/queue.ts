import { randomUUID } from 'node:crypto';
import type { EndpointState } from '../endpoints/domain/evolve.ts';
import { sendableHeaders } from '../deliveries/domain/delivery-headers.ts';
import type { DeliveryAttempted, DeliveryRequested } from '../deliveries/domain/messages.ts';
import type { DeliveryQueuedForPoll } from './domain/messages.ts';
import type { Outgoing } from '../platform/kafka/processor.ts';
import type { Topics } from '../capabilities.ts';

/** int32 bound of DeliveryAttempted.durationMs. */
const MAX_DURATION_MS = 2_147_483_647;

/**
 * A poll-mode endpoint's dispatch is never sent over HTTP: the engine queues it for the
 * endpoint's consumer to fetch with GET /poll. It goes to the outcomes topic keyed by event id,
 * like the attempts, so the ack recorded later is always projected after it. The headers are
 * those a push would carry apart from mittr's own (signature, content type): the endpoint's
 * custom headers, then the event's.
 */
export function queueForPoll(topics: Topics, r: DeliveryRequested, ep: EndpointState, at: number): Outgoing {
  const event: DeliveryQueuedForPoll = {
    type: 'DeliveryQueuedForPoll', dispatchId: r.dispatchId, eventId: r.eventId, accountId: r.accountId,
    projectId: r.projectId, endpointId: ep.endpointId, eventType: r.eventType, url: ep.config.url,
    payload: r.payload, headers: sendableHeaders({ ...ep.config.customHeaders, ...r.headers }), maxAttempts: r.maxAttempts,
    queuedAt: at, eventCreatedAt: r.createdAt,
  };
  return { topic: topics.outcomes, key: r.eventId, event };
}

/** What an ack needs to know about a queued poll message (a poll_messages row). */
export type QueuedMessage = {
  dispatchId: string; eventId: string; accountId: string; projectId: string; endpointId: string;
  eventType: string | null; url: string; maxAttempts: number; receiveCount: number; leasedAt: number | null;
  eventCreatedAt: number;
};

/**
 * A consumer's ack, recorded as the dispatch's successful attempt so the event's status becomes
 * delivered through the events projection like any push. No HTTP exchange happened: statusCode
 * is null; attemptNumber is how many times the message was handed out (at least 1); durationMs
 * is how long the consumer held it since its last fetch (0 if acked unfetched).
 */
export function ackedAttempt(m: QueuedMessage, at: number, newId: () => string = randomUUID): DeliveryAttempted {
  return {
    type: 'DeliveryAttempted', attemptId: newId(), dispatchId: m.dispatchId, eventId: m.eventId,
    accountId: m.accountId, projectId: m.projectId, endpointId: m.endpointId, eventType: m.eventType, url: m.url,
    attemptNumber: Math.max(1, m.receiveCount), maxAttempts: m.maxAttempts, outcome: 'success', disposition: 'delivered',
    statusCode: null, responseBody: '', error: '', errorCategory: null,
    durationMs: m.leasedAt === null ? 0 : Math.min(MAX_DURATION_MS, Math.max(0, at - m.leasedAt)),
    processingOverheadUs: 0, attemptedAt: at, nextAttemptAt: null, eventCreatedAt: m.eventCreatedAt,
  };
}
