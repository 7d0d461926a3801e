import { sql, type DatabaseTransactionConnection } from 'slonik';
import { rowsJson } from '../events/projector.ts';

/** A usage counter's two tables: the ids counted (each once) and the monthly sums they add to. */
export type CountTables = { counted: string; id: string; monthly: string; total: string };

/** One record to count: its id, its account and the first day of its month (UTC), `YYYY-MM-01`. */
export type CountRow = { id: string; account_id: string; month: string };

/**
 * Counts each row once into its (account, month) sum, in one statement: the ids not counted
 * before are inserted into `counted`, and only those add to `monthly`, so applying a record again
 * changes nothing. Partitions are applied in concurrent transactions that may add to one
 * account's row (an account's projects hash to different partitions): rows are taken in key
 * order, so they wait on each other instead of deadlocking.
 */
export async function countOnce(tx: DatabaseTransactionConnection, t: CountTables, rows: readonly CountRow[]): Promise<void> {
  const unique = [...new Map(rows.map((r) => [r.id, r])).values()];
  if (unique.length === 0) return;
  const [counted, id, monthly, total] = [sql.identifier([t.counted]), sql.identifier([t.id]), sql.identifier([t.monthly]), sql.identifier([t.total])];
  await tx.query(sql.unsafe`
    WITH fresh AS (
      INSERT INTO ${counted} (${id}, account_id, month)
      SELECT t.id, t.account_id, t.month FROM json_to_recordset(${rowsJson(unique)}) AS t(id uuid, account_id uuid, month date)
      ON CONFLICT (${id}) DO NOTHING
      RETURNING account_id, month
    )
    INSERT INTO ${monthly} (account_id, month, ${total})
    SELECT account_id, month, count(*) FROM fresh GROUP BY account_id, month ORDER BY account_id, month
    ON CONFLICT (account_id, month) DO UPDATE SET ${total} = ${sql.identifier([t.monthly, t.total])} + EXCLUDED.${total}`);
}
