import { sql } from 'slonik';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { DomainEvent } from '../../services/capabilities.ts';
import type { EventAccepted } from '../../services/events/domain/messages.ts';
import { projectionFixture } from '../../test/support/mittr.ts';
import { atPositions, redeliverySpec } from '../../test/support/redelivery.ts';
import { usageProjection } from './projector.ts';
import { usageSnapshot } from './queries.ts';

const topics = { events: 'events' };
const A = '0b7e6c1a-6f0e-4f43-8f57-7d2e1b9b6a01';
const B = '5c2d1e0f-9a8b-4c7d-8e6f-0a1b2c3d4e5f';
const JAN_END = Date.UTC(2026, 0, 31, 23, 59, 59, 999);
const FEB = Date.UTC(2026, 1, 1);
let n = 0;
const accepted = (accountId: string, createdAt: number): EventAccepted => ({
  type: 'EventAccepted', eventId: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`, accountId, projectId: accountId,
  idempotencyKey: `k${n}`, destination: 'https://example.com/h', eventType: null, payload: '{}', headers: {}, maxAttempts: 5,
  priority: 5, delaySeconds: 0, createdAt, maxAttemptsSet: false, configOffset: 0,
});
const routed = (e: EventAccepted): DomainEvent => ({ type: 'EventRouted', eventId: e.eventId, accountId: e.accountId, projectId: e.projectId, destinations: [], routedAt: e.createdAt + 1 });

const a1 = accepted(A, JAN_END);
const a2 = accepted(A, JAN_END);
const a3 = accepted(A, FEB);
const b1 = accepted(B, FEB);
const b2 = accepted(B, FEB + 1);
const history: DomainEvent[][] = [[a1, a2, routed(a1)], [a3, b1], [routed(b1), b2]];

describe('usage projection', () => {
  const projection = usageProjection(topics);
  const { db } = projectionFixture(projection);
  const { deliver, redeliver } = atPositions(projection, db);
  const counts = () => db().any(sql.type(z.object({ account_id: z.string(), month: z.string(), messages: z.number() }))`
    SELECT account_id, to_char(month, 'YYYY-MM') AS month, messages::float8 AS messages FROM usage_monthly ORDER BY account_id, month`);

  it('counts each accepted event once, in the UTC month it was accepted; other records count nothing', async () => {
    const delivered: Awaited<ReturnType<typeof deliver>>[] = [];
    for (const batch of history) delivered.push(await deliver(batch));
    // Kafka delivers again what it delivered (the same records at their positions), and more.
    await redeliver(delivered.flat().filter((m) => m.event === a1 || m.event === b2));
    await deliver([routed(a2)]);
    expect(await counts()).toEqual([
      { account_id: A, month: '2026-01', messages: 2 }, { account_id: A, month: '2026-02', messages: 1 },
      { account_id: B, month: '2026-02', messages: 2 },
    ]);
    const snap = await usageSnapshot(db(), topics.events, [{ accountId: A, month: '2026-01' }, { accountId: B, month: '2026-02' }, { accountId: B, month: '2026-01' }]);
    expect(Object.fromEntries(snap.counts)).toEqual({ [`${A}|2026-01`]: 2, [`${B}|2026-02`]: 2 });
  });
});

describe('usage projection under redelivery', () => {
  redeliverySpec(usageProjection(topics), history);
});
