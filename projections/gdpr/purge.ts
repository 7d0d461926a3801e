import { sql, type DatabasePool, type DatabaseTransactionConnection } from 'slonik';
import type { WorkspaceErased } from '../../services/gdpr/domain/messages.ts';

/**
 * Every table that holds a workspace's rows, and how they are found: by account, by one of its
 * projects, or through a parent row (deleted before the parent). Read models and command-side
 * reservations alike: an erased workspace's name reservations and idempotency keys go too, and
 * its e-mail address (account_emails) is free again.
 *
 * Users live in memory only (the accounts topic, services/accounts/people.ts): a user of no other
 * workspace cannot log in any more (no live membership) and has nothing here to delete (the
 * erasure destroys their own data key, so their e-mail and name on the log are noise, and a
 * process booted afterwards does not know them); a user who is also a member elsewhere keeps
 * that membership, and their key. Mailed one-time tokens (token_uses) hold a
 * hash and a time, nothing of the workspace, and stay.
 */
const BY_PARENT: ReadonlyArray<{ table: string; column: string; parent: string }> = [
  { table: 'endpoint_versions', column: 'endpoint_id', parent: 'endpoints' },
  { table: 'endpoint_commands', column: 'endpoint_id', parent: 'endpoints' },
  { table: 'event_type_commands', column: 'event_type_id', parent: 'event_types' },
  { table: 'poll_leases', column: 'dispatch_id', parent: 'poll_messages' },
  { table: 'inbound_endpoint_commands', column: 'inbound_endpoint_id', parent: 'inbound_endpoints' },
  { table: 'inbound_path_suffixes', column: 'inbound_endpoint_id', parent: 'inbound_endpoints' },
  { table: 'connector_commands', column: 'connector_id', parent: 'connectors' },
  { table: 'alert_rule_commands', column: 'rule_id', parent: 'alert_rules' },
  { table: 'alert_evaluations', column: 'rule_id', parent: 'alert_rules' },
  { table: 'sub_account_commands', column: 'sub_account_id', parent: 'sub_accounts' },
];
const BY_PROJECT = ['idempotency_keys', 'event_type_names', 'connector_names', 'alert_rule_names', 'sub_account_names'];
const BY_ACCOUNT = [
  'events', 'event_destinations', 'delivery_attempts', 'endpoints', 'event_types', 'poll_messages', 'inbound_endpoints', 'inbound_requests', 'connectors',
  'alert_rules', 'alert_history', 'audit_log', 'analytics_hourly', 'analytics_daily', 'usage_monthly', 'usage_attempts_monthly',
  'sessions', 'api_keys', 'account_emails', 'account_secret_rotations', 'sub_accounts', 'portal_sessions',
];

/** Every table an erasure deletes from: what is vacuumed after it. */
export const PURGED_TABLES = [...BY_PARENT.map((t) => t.table), ...BY_PROJECT, ...BY_ACCOUNT, 'set_aside_records', 'accounts'];

/** Deletes every row of the erased workspace, in the projector's transaction (idempotent). */
export async function purgeWorkspace(tx: DatabaseTransactionConnection, e: WorkspaceErased): Promise<void> {
  const account = e.accountId;
  for (const { table, column, parent } of BY_PARENT) {
    await tx.query(sql.unsafe`DELETE FROM ${sql.identifier([table])} WHERE ${sql.identifier([column])} IN (SELECT id FROM ${sql.identifier([parent])} WHERE account_id = ${account})`);
  }
  if (e.projectIds.length > 0) {
    for (const table of BY_PROJECT) await tx.query(sql.unsafe`DELETE FROM ${sql.identifier([table])} WHERE project_id = ANY(${sql.array(e.projectIds, 'uuid')})`);
  }
  for (const table of BY_ACCOUNT) await tx.query(sql.unsafe`DELETE FROM ${sql.identifier([table])} WHERE account_id = ${account}`);
  // A set-aside record keeps the record it could not apply as JSON text; its accountId says whose.
  await tx.query(sql.unsafe`DELETE FROM set_aside_records WHERE decoded LIKE ${`%"accountId":"${account}"%`}`);
  await tx.query(sql.unsafe`DELETE FROM accounts WHERE id = ${account}`);
}

/**
 * VACUUM (which cannot run in a transaction) of the tables an erasure deleted from, once its
 * purge committed: the dead rows' space is reclaimed and they leave the visibility of any later
 * snapshot. Plain VACUUM, not FULL: FULL rewrites a table under an ACCESS EXCLUSIVE lock, and on
 * the events table that would stop the projectors and every read of events for the length of the
 * rewrite. The rows' personal fields are ciphertext under the workspace's shredded data key (the
 * envelope encryption), so what is left in freed space until it is reused is noise.
 */
export async function vacuumPurged(db: DatabasePool): Promise<void> {
  for (const table of PURGED_TABLES) await db.query(sql.unsafe`VACUUM (ANALYZE) ${sql.identifier([table])}`);
}
