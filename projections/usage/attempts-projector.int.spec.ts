import { sql } from 'slonik';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { DomainEvent } from '../../services/capabilities.ts';
import type { DeliveryAttempted } from '../../services/deliveries/domain/messages.ts';
import { projectionFixture } from '../../test/support/mittr.ts';
import { atPositions, redeliverySpec } from '../../test/support/redelivery.ts';
import { usageAttemptsProjection } from './attempts-projector.ts';
import { usageMonths } from './queries.ts';

const topics = { outcomes: 'outcomes' };
const A = '0b7e6c1a-6f0e-4f43-8f57-7d2e1b9b6a01';
const B = '5c2d1e0f-9a8b-4c7d-8e6f-0a1b2c3d4e5f';
const JAN_END = Date.UTC(2026, 0, 31, 23, 59, 59, 999);
const FEB = Date.UTC(2026, 1, 1);
let n = 0;
const id = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
/** Attempt `attemptNumber` of a dispatch, made at `attemptedAt`; a retry is a new attempt id. */
const attempted = (accountId: string, dispatchId: string, attemptNumber: number, attemptedAt: number, ok: boolean): DeliveryAttempted => ({
  type: 'DeliveryAttempted', attemptId: id(), dispatchId, eventId: dispatchId, accountId, projectId: accountId, endpointId: null, eventType: null,
  url: 'https://example.com/h', attemptNumber, maxAttempts: 3, outcome: ok ? 'success' : 'failure', disposition: ok ? 'delivered' : 'retry',
  statusCode: ok ? 200 : 500, responseBody: '', error: '', errorCategory: ok ? null : '5xx', durationMs: 3, processingOverheadUs: 10,
  attemptedAt, nextAttemptAt: ok ? null : attemptedAt + 1_000, eventCreatedAt: attemptedAt,
});
const queued = (e: DeliveryAttempted): DomainEvent => ({
  type: 'DeliveryQueuedForPoll', dispatchId: e.dispatchId, eventId: e.eventId, accountId: e.accountId, projectId: e.projectId, endpointId: A,
  eventType: null, url: e.url, payload: '{}', headers: {}, maxAttempts: 3, queuedAt: e.attemptedAt, eventCreatedAt: e.attemptedAt,
});

const d1 = id();
const d2 = id();
// Dispatch d1 of A fails in January and is retried, successfully, across the month boundary.
const a1 = attempted(A, d1, 1, JAN_END - 1_000, false);
const a2 = attempted(A, d1, 2, FEB + 500, true);
const b1 = attempted(B, d2, 1, FEB, false);
const b2 = attempted(B, d2, 2, FEB + 2_000, false);
const b3 = attempted(B, d2, 3, FEB + 6_000, true);
const history: DomainEvent[][] = [[a1, queued(a1), b1], [a2, b2], [queued(b2), b3]];

describe('usage-attempts projection', () => {
  const projection = usageAttemptsProjection(topics);
  const { db } = projectionFixture(projection);
  const { deliver, redeliver } = atPositions(projection, db);
  const counts = () => db().any(sql.type(z.object({ account_id: z.string(), month: z.string(), attempts: z.number() }))`
    SELECT account_id, to_char(month, 'YYYY-MM') AS month, attempts::float8 AS attempts FROM usage_attempts_monthly ORDER BY account_id, month`);

  it('counts each attempt once, retries included, in the UTC month it was made; other records count nothing', async () => {
    const delivered: Awaited<ReturnType<typeof deliver>>[] = [];
    for (const batch of history) delivered.push(await deliver(batch));
    // Kafka delivers again what it delivered (the same records at their positions), and more.
    await redeliver(delivered.flat().filter((m) => m.event === a1 || m.event === b3));
    await deliver([queued(a2)]);
    expect(await counts()).toEqual([
      { account_id: A, month: '2026-01', attempts: 1 }, { account_id: A, month: '2026-02', attempts: 1 },
      { account_id: B, month: '2026-02', attempts: 3 },
    ]);
    expect(Object.fromEntries(await usageMonths(db(), B, '2026-01'))).toEqual({ '2026-02': { messages: 0, deliveryAttempts: 3 } });
    expect(Object.fromEntries(await usageMonths(db(), A, '2026-02'))).toEqual({ '2026-02': { messages: 0, deliveryAttempts: 1 } });
  });
});

describe('usage-attempts projection under redelivery', () => {
  redeliverySpec(usageAttemptsProjection(topics), history);
});
