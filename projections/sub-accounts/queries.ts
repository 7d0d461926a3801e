import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import type { SubAccountState } from '../../services/sub-accounts/domain/evolve.ts';
import { openStoredText } from '../../services/data-keys/fields.ts';
import { hashToken } from '../../services/platform/security/secrets.ts';
import type { Scope } from '../events/queries.ts';
import { listPage } from '../shared/state-table.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The public shape of a sub-account: metadata as a JSON object, its name and metadata opened (the read model
 * keeps it sealed under the workspace's data key as the log has it; the process's store has it
 * opened, answered as it is).
 */
export function subAccountView(s: SubAccountState) {
  const { name, subID, metadata, allowedOrigins, portalTheme } = s.definition;
  return {
    id: s.subAccountId, name: openStoredText(s.accountId, 'name', name), subID, metadata: JSON.parse(openStoredText(s.accountId, 'metadata', metadata)) as Record<string, unknown>, allowedOrigins,
    // A state folded before themes existed has none.
    portalTheme: portalTheme ?? null,
    status: s.deleted ? 'deactivated' as const : 'active' as const, version: s.version,
    createdAt: iso(s.createdAt), updatedAt: iso(s.updatedAt),
  };
}

const stateRow = z.object({ state: z.unknown() });

/** The caller's project's sub-account of that id, a deactivated one too (its history stays readable), or null. */
export async function getSubAccount(db: DatabasePool, scope: Scope, id: string): Promise<SubAccountState | null> {
  const row = await db.maybeOne(sql.type(stateRow)`
    SELECT state FROM sub_accounts WHERE id = ${id} AND account_id = ${scope.accountId} AND project_id = ${scope.projectId}`);
  return row ? (row.state as SubAccountState) : null;
}

/** The project's active sub-accounts, newest first, `{data, pagination}`; null for a cursor that is not ours. */
export const listSubAccounts = (db: DatabasePool, scope: Scope, q: { limit: number; cursor?: string }) => listPage(db, 'sub_accounts', scope, q, subAccountView);

/** Every sub-account of the project, deactivated ones too (their history stays the workspace's), newest first: for the GDPR export. */
export const everySubAccount = (db: DatabasePool, scope: Scope, q: { limit: number; cursor?: string }) =>
  listPage(db, 'sub_accounts', scope, { ...q, deletedToo: true }, subAccountView);

const sessionOf = z.object({ sub_account_id: z.string() });

/**
 * The origins that may frame the portal (its CSP `frame-ancestors`), for the token the portal
 * page was opened with: a one-time exchange token not yet consumed nor expired, or a live
 * session token. Null when the token is neither (or its sub-account is deactivated): serve the
 * page with `frame-ancestors 'none'`. Only the token's hash is looked up, as it is stored; the
 * origins come from the configuration the process keeps (`ctx.store.state.subAccounts`), so a
 * page opened right after a change of them already frames by the new ones (the read model may lag).
 * Does not consume the exchange token nor slide the session.
 */
export async function portalFrameAncestors(db: DatabasePool, subAccounts: { get(id: string): SubAccountState | undefined }, token: string): Promise<string[] | null> {
  const hash = hashToken(token);
  const row = await db.maybeOne(sql.type(sessionOf)`
    SELECT sub_account_id FROM portal_sessions
    WHERE revoked_at IS NULL AND (
      (exchange_hash = ${hash} AND exchanged_at IS NULL AND exchange_expires_at > now())
      OR (token_hash = ${hash} AND expires_at > now()))
    LIMIT 1`);
  const s = row ? subAccounts.get(row.sub_account_id) : undefined;
  return s && !s.deleted ? [...s.definition.allowedOrigins] : null;
}
