import { describe } from 'vitest';
import type { DeliveryAttempted } from '../../services/deliveries/domain/messages.ts';
import type { DeliveryQueuedForPoll } from '../../services/poll/domain/messages.ts';
import { redeliverySpec } from '../../test/support/redelivery.ts';
import { pollProjection } from './projector.ts';

const T = 1_700_000_000_000;
const project = { accountId: '0b7e6c1a-6f0e-4f43-8f57-7d2e1b9b6a01', projectId: '3d0c9b1e-5a7f-4c2d-8e6b-1f2a3b4c5d6e' };
const endpointId = '4a3b2c1d-0e9f-4a8b-9c7d-6e5f4a3b2c1d';
const [e1, e2, e3] = ['11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222', '33333333-3333-4333-8333-333333333333'];
const [d1, d2, d3, d4, pushed] = ['a1a1a1a1-0000-4000-8000-000000000001', 'a1a1a1a1-0000-4000-8000-000000000002',
  'a1a1a1a1-0000-4000-8000-000000000003', 'a1a1a1a1-0000-4000-8000-000000000004', 'b2b2b2b2-0000-4000-8000-000000000005'];

const queued = (eventId: string, dispatchId: string, at: number): DeliveryQueuedForPoll => ({
  type: 'DeliveryQueuedForPoll', dispatchId, eventId, ...project, endpointId, eventType: 'order.created', url: 'poll://',
  payload: '{"order": 1}', headers: { 'x-h': 'v' }, maxAttempts: 3, queuedAt: at, eventCreatedAt: T,
});
const ack = (eventId: string, dispatchId: string, at: number): DeliveryAttempted => ({
  type: 'DeliveryAttempted', attemptId: `c3c3c3c3-0000-4000-8000-${String(at).slice(-12)}`, dispatchId, eventId, ...project, endpointId,
  eventType: 'order.created', url: 'poll://', attemptNumber: 1, maxAttempts: 3, outcome: 'success', disposition: 'delivered',
  statusCode: null, responseBody: '', error: '', errorCategory: null, durationMs: 0, processingOverheadUs: 0, attemptedAt: at,
  nextAttemptAt: null, eventCreatedAt: T,
} as DeliveryAttempted);

describe('poll projection', () => {
  // e1 is queued and acked (with a pushed dispatch's attempt beside it); e2's first dispatch is
  // never acked and a replay queues it again, superseding it; e3 waits to be polled.
  redeliverySpec(pollProjection({ outcomes: 'outcomes' }), [
    [queued(e1, d1, T + 10), queued(e2, d2, T + 11), ack(e1, pushed, T + 15)],
    [ack(e1, d1, T + 20), queued(e3, d4, T + 30)],
    [queued(e2, d3, T + 60_000)],
    [ack(e2, d3, T + 60_100)],
  ]);
});
