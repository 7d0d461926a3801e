import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { USAGE_PROJECTOR } from './projector.ts';

/** An account's month: `month` is `YYYY-MM` (services/plans/domain/quota.ts monthOf). */
export type UsageKey = { accountId: string; month: string };

const countRow = z.object({ account_id: z.string(), month: z.string(), messages: z.number() });
const checkpointRow = z.object({ partition: z.number(), next_offset: z.coerce.bigint() });

/** What the usage read model counted, and how far into the events topic it had got when it did. */
export type UsageSnapshot = {
  /** Messages by `${accountId}|${month}`; a key without a row has 0. */
  counts: Map<string, number>;
  /** The next offset the usage projector applies, by partition of the events topic (absent: none applied). */
  checkpoints: Map<number, bigint>;
};

export const usageKey = (k: UsageKey) => `${k.accountId}|${k.month}`;

/**
 * The counts of `keys` and the usage projector's checkpoints, read in one snapshot (the projector
 * writes both in one transaction): a record below a checkpoint is in the counts, one at or above
 * it is not yet. That is what lets an API process add exactly its own unprojected accepts.
 */
export async function usageSnapshot(db: DatabasePool, eventsTopic: string, keys: readonly UsageKey[]): Promise<UsageSnapshot> {
  return db.transaction(async (tx) => {
    await tx.query(sql.unsafe`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY`);
    const rows = keys.length === 0 ? [] : await tx.any(sql.type(countRow)`
      SELECT u.account_id, to_char(u.month, 'YYYY-MM') AS month, sum(u.messages)::float8 AS messages
      FROM usage_monthly u
      JOIN json_to_recordset(${JSON.stringify(keys.map((k) => ({ account_id: k.accountId, month: `${k.month}-01` })))}::json)
        AS t(account_id uuid, month date) ON u.account_id = t.account_id AND u.month = t.month
      GROUP BY u.account_id, u.month`);
    const cps = await tx.any(sql.type(checkpointRow)`
      SELECT partition, next_offset FROM projection_checkpoints WHERE projector = ${USAGE_PROJECTOR} AND topic = ${eventsTopic}`);
    return {
      counts: new Map(rows.map((r) => [usageKey({ accountId: r.account_id, month: r.month }), r.messages])),
      checkpoints: new Map(cps.map((c) => [c.partition, c.next_offset])),
    };
  });
}

const monthRow = z.object({ month: z.string(), messages: z.number(), attempts: z.number() });

/** What the usage read models counted for an account in one calendar month (UTC). */
export type MonthCounts = { messages: number; deliveryAttempts: number };

/**
 * An account's messages (usage_monthly) and delivery attempts (usage_attempts_monthly) per month
 * from `fromMonth` (`YYYY-MM`) on, by month; a month without a row in either has counted nothing.
 */
export async function usageMonths(db: DatabasePool, accountId: string, fromMonth: string): Promise<Map<string, MonthCounts>> {
  const from = `${fromMonth}-01`;
  const rows = await db.any(sql.type(monthRow)`
    SELECT to_char(month, 'YYYY-MM') AS month, sum(messages)::float8 AS messages, sum(attempts)::float8 AS attempts FROM (
      SELECT month, messages, 0 AS attempts FROM usage_monthly WHERE account_id = ${accountId} AND month >= ${from}::date
      UNION ALL
      SELECT month, 0, attempts FROM usage_attempts_monthly WHERE account_id = ${accountId} AND month >= ${from}::date
    ) m GROUP BY month`);
  return new Map(rows.map((r) => [r.month, { messages: r.messages, deliveryAttempts: r.attempts }]));
}
