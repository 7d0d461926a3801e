import { sql, type DatabaseTransactionConnection, type DatabasePool } from 'slonik';
import { describe, expect, it } from 'vitest';
import { projectionFixture } from '../../../test/support/mittr.ts';
import { redeliveryChecks } from '../../../test/support/redelivery.ts';
import type { DomainEvent } from '../../capabilities.ts';
import type { EventAccepted } from '../../events/domain/messages.ts';
import type { Projection } from './runner.ts';

const A = '0b7e6c1a-6f0e-4f43-8f57-7d2e1b9b6a01';
let n = 0;
const accepted = (createdAt: number): EventAccepted => ({
  type: 'EventAccepted', eventId: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`, accountId: A, projectId: A,
  idempotencyKey: `k${n}`, destination: 'https://example.com/h', eventType: null, payload: '{}', headers: {}, maxAttempts: 5,
  priority: 5, delaySeconds: 0, createdAt, maxAttemptsSet: false, configOffset: 0,
});
const history: DomainEvent[][] = [[accepted(1), accepted(2)], [accepted(3)]];

/** Adds one message per EventAccepted to A's January, through `conn` (the transaction, or not). */
async function add(conn: DatabaseTransactionConnection | DatabasePool, events: DomainEvent[]): Promise<void> {
  await conn.query(sql.unsafe`
    INSERT INTO usage_monthly (account_id, month, messages) VALUES (${A}, '2026-01-01', ${events.length})
    ON CONFLICT (account_id, month, shard) DO UPDATE SET messages = usage_monthly.messages + EXCLUDED.messages`);
}

/** The verdict of every check: true when it passed. */
async function verdicts(projection: Projection, db: () => DatabasePool): Promise<Record<string, boolean>> {
  const out: Record<string, boolean> = {};
  for (const c of redeliveryChecks(projection, history, db)) out[c.name] = await c.run().then(() => true, () => false);
  return out;
}

describe('the redelivery spec', () => {
  const { db } = projectionFixture({ name: 'counter', topics: ['events'], tables: ['usage_monthly'], apply: async () => {} });

  it('fails a counter that relies on nothing: each way of delivering again counts again', async () => {
    const counter: Projection = { name: 'counter', topics: ['events'], tables: ['usage_monthly'], apply: (tx, events) => add(tx, events) };
    const v = await verdicts(counter, db);
    expect(Object.keys(v)).toHaveLength(3);
    expect(Object.values(v)).toEqual([false, false, false]);
  });

  it('passes the same counter applied once per position: Kafka\'s redelivery is the same records at their offsets, which the checkpoint skips', async () => {
    const counter: Projection = { name: 'counter', topics: ['events'], tables: ['usage_monthly'], oncePerPosition: true, apply: (tx, events) => add(tx, events) };
    const v = await verdicts(counter, db);
    expect(Object.keys(v)).toHaveLength(4);
    expect(Object.values(v)).toEqual([true, true, true, true]);
  });

  it('fails a counter applied once per position that writes outside the transaction its checkpoint commits in', async () => {
    const leaky: Projection = { name: 'counter', topics: ['events'], tables: ['usage_monthly'], oncePerPosition: true, apply: (_tx, events) => add(db(), events) };
    const v = await verdicts(leaky, db);
    expect(v['each batch applied in a transaction that rolls back, then again, changes nothing']).toBe(false);
  });
});
