import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { openStoredText } from '../../services/data-keys/fields.ts';
import { afterCursor, decodeCursor, toPage } from '../../services/platform/postgres/pagination.ts';

const accountRow = z.object({
  id: z.string(), email: z.string(), company_name: z.string(), project_id: z.string(),
  plan: z.string(), signing_secret_enc: z.string(), created_at: z.number(),
  previous_secret_enc: z.string().nullable(), previous_secret_expires_at: z.number().nullable(), onboarded_at: z.number().nullable(),
});
export type AccountRow = z.infer<typeof accountRow>;

/**
 * The account's row, its e-mail and company name opened: the table keeps them as the log has
 * them, sealed under the workspace's data key (services/data-keys/fields.ts). Throws ErasedError
 * for a workspace whose key is destroyed (its row is purged as the erasure is projected).
 */
export async function findAccount(db: DatabasePool, accountId: string): Promise<AccountRow | null> {
  const row = await db.maybeOne(sql.type(accountRow)`
    SELECT id, email, company_name, project_id, plan, signing_secret_enc, created_at, previous_secret_enc, previous_secret_expires_at, onboarded_at
    FROM accounts WHERE id = ${accountId}`);
  return row && { ...row, email: openStoredText(accountId, 'email', row.email), company_name: openStoredText(accountId, 'companyName', row.company_name) };
}

const keyRow = z.object({
  id: z.string(), name: z.string(), prefix: z.string(), scopes: z.array(z.string()), rate_limit: z.number().nullable(),
  expires_at: z.number().nullable(), revoked_at: z.number().nullable(), created_at: z.number(), project_id: z.string().nullable(),
});
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** An API key as the API shows it: never the key, only its first characters. */
export function keyView(r: z.infer<typeof keyRow>, now = Date.now()) {
  return {
    id: r.id, name: r.name, keyPrefix: r.prefix, scopes: r.scopes, rateLimit: r.rate_limit, expiresAt: iso(r.expires_at), projectId: r.project_id,
    isActive: r.revoked_at === null && (r.expires_at === null || r.expires_at > now), revokedAt: iso(r.revoked_at), createdAt: iso(r.created_at)!,
  };
}

/** The account's API keys, newest first, revoked ones included (isActive false). */
export async function listKeys(db: DatabasePool, accountId: string, q: { limit: number; cursor?: string }) {
  const after = q.cursor ? decodeCursor(q.cursor) : undefined;
  if (after === null) return null;
  const rows = await db.any(sql.type(keyRow)`
    SELECT id, name, prefix, scopes, rate_limit, expires_at, revoked_at, created_at, project_id FROM api_keys
    WHERE account_id = ${accountId} ${after ? sql.fragment`AND ${afterCursor(after)}` : sql.fragment``}
    ORDER BY created_at DESC, id DESC LIMIT ${q.limit + 1}`);
  return toPage(rows, q.limit, (r) => keyView(r));
}
