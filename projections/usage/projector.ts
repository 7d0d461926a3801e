import { sql } from 'slonik';
import type { DomainEvent } from '../../services/capabilities.ts';
import type { EventAccepted } from '../../services/events/domain/messages.ts';
import { monthOf } from '../../services/plans/domain/quota.ts';
import type { Projection } from '../../services/platform/projection/runner.ts';
import { rowsJson } from '../events/projector.ts';

/** The usage projector's name: its checkpoints are what services/plans/usage-counter.ts reads against. */
export const USAGE_PROJECTOR = 'usage';

/**
 * usage_counted and usage_monthly, from the events topic: one EventAccepted is one message, in
 * the month (UTC) it was accepted. A batch is one statement: its event ids not counted before
 * are inserted, and only those add to their (account, month) rows, so applying a record again
 * changes nothing. Partitions are applied in concurrent transactions that may add to one
 * account's row (an account's projects hash to different partitions): rows are taken in key
 * order, so they wait on each other instead of deadlocking.
 */
export function usageProjection(topics: { events: string }): Projection {
  return {
    name: USAGE_PROJECTOR,
    topics: [topics.events],
    types: ['EventAccepted'],
    tables: ['usage_counted', 'usage_monthly'],
    async apply(tx, events) {
      const accepted = new Map<string, EventAccepted>();
      for (const e of events.filter((x: DomainEvent): x is EventAccepted => x.type === 'EventAccepted')) accepted.set(e.eventId, e);
      if (accepted.size === 0) return;
      const rows = [...accepted.values()].map((e) => ({ id: e.eventId, account_id: e.accountId, month: `${monthOf(e.createdAt)}-01` }));
      await tx.query(sql.unsafe`
        WITH fresh AS (
          INSERT INTO usage_counted (event_id, account_id, month)
          SELECT t.id, t.account_id, t.month FROM json_to_recordset(${rowsJson(rows)}) AS t(id uuid, account_id uuid, month date)
          ON CONFLICT (event_id) DO NOTHING
          RETURNING account_id, month
        )
        INSERT INTO usage_monthly (account_id, month, messages)
        SELECT account_id, month, count(*) FROM fresh GROUP BY account_id, month ORDER BY account_id, month
        ON CONFLICT (account_id, month) DO UPDATE SET messages = usage_monthly.messages + EXCLUDED.messages`);
    },
  };
}
