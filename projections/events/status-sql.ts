import { sql, type IdentifierSqlToken } from 'slonik';

/** The columns statusSql reads: the event's routing and its destinations counted by state. */
export type StatusColumns = Record<'routedAt' | 'total' | 'delivered' | 'dead' | 'retrying' | 'attempts', IdentifierSqlToken>;

/**
 * services/events/domain/status.ts `statusOf` as a SQL expression, so a recompute folds many
 * events in one statement (status-sql.int.spec.ts holds the two equal).
 */
export function statusSql(c: StatusColumns) {
  return sql.fragment`CASE
    WHEN ${c.routedAt} IS NULL THEN 'queued'
    WHEN ${c.delivered} + ${c.dead} >= ${c.total} THEN CASE WHEN ${c.dead} > 0 THEN 'dead' ELSE 'delivered' END
    WHEN ${c.retrying} > 0 THEN 'failed'
    WHEN ${c.attempts} > 0 THEN 'delivering'
    ELSE 'queued' END`;
}
