import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';

const at = (ms: number) => sql.fragment`timestamptz 'epoch' + ${ms} * interval '1 millisecond'`;
const ms = (column: string) => sql.fragment`(extract(epoch FROM ${sql.identifier([column])}) * 1000)::float8`;

const liveRow = z.object({
  id: z.string(), account_id: z.string(), project_id: z.string(), sub_account_id: z.string(), return_url: z.string(), expires_at: z.number(),
});
export type LiveSession = z.infer<typeof liveRow>;
const listRow = z.object({
  id: z.string(), return_url: z.string(), ttl_seconds: z.number(), created_at: z.number(), exchange_expires_at: z.number(),
  exchanged_at: z.number().nullable(), expires_at: z.number().nullable(),
});
export type SessionRow = z.infer<typeof listRow>;

/**
 * The SQL of portal sessions (projections/migrations/1700000000033_sub_accounts.sql): tokens kept
 * as hashes only. Exchanging is one conditional UPDATE, so a token works once even when two
 * requests race; each authenticated use slides the expiry in the same statement that checks it.
 */
export class PortalSessions {
  private readonly db: DatabasePool;
  constructor(db: DatabasePool) {
    this.db = db;
  }

  async create(s: { id: string; accountId: string; projectId: string; subAccountId: string; exchangeHash: string; exchangeExpiresAt: number; returnUrl: string; ttlSeconds: number }): Promise<void> {
    await this.db.query(sql.unsafe`
      INSERT INTO portal_sessions (id, account_id, project_id, sub_account_id, exchange_hash, exchange_expires_at, return_url, ttl_seconds)
      VALUES (${s.id}, ${s.accountId}, ${s.projectId}, ${s.subAccountId}, ${s.exchangeHash}, ${at(s.exchangeExpiresAt)}, ${s.returnUrl}, ${s.ttlSeconds})`);
  }

  /** Consumes an exchange token (once, before it expires) for a session token; null when it cannot. */
  exchange(exchangeHash: string, tokenHash: string): Promise<LiveSession | null> {
    return this.db.maybeOne(sql.type(liveRow)`
      UPDATE portal_sessions SET exchanged_at = now(), token_hash = ${tokenHash}, expires_at = now() + ttl_seconds * interval '1 second'
      WHERE exchange_hash = ${exchangeHash} AND exchanged_at IS NULL AND revoked_at IS NULL AND exchange_expires_at > now()
      RETURNING id, account_id, project_id, sub_account_id, return_url, ${ms('expires_at')} AS expires_at`);
  }

  /** The live session a bearer's hash names, its expiry slid ttl_seconds ahead; null when none. */
  use(tokenHash: string): Promise<LiveSession | null> {
    return this.db.maybeOne(sql.type(liveRow)`
      UPDATE portal_sessions SET expires_at = now() + ttl_seconds * interval '1 second'
      WHERE token_hash = ${tokenHash} AND revoked_at IS NULL AND expires_at > now()
      RETURNING id, account_id, project_id, sub_account_id, return_url, ${ms('expires_at')} AS expires_at`);
  }

  /** A sub-account's sessions that still work: an exchange token not yet used nor expired, or a session not expired. */
  live(subAccountId: string): Promise<readonly SessionRow[]> {
    return this.db.any(sql.type(listRow)`
      SELECT id, return_url, ttl_seconds, ${ms('created_at')} AS created_at, ${ms('exchange_expires_at')} AS exchange_expires_at,
             ${ms('exchanged_at')} AS exchanged_at, ${ms('expires_at')} AS expires_at
      FROM portal_sessions WHERE sub_account_id = ${subAccountId} AND revoked_at IS NULL
        AND ((exchanged_at IS NULL AND exchange_expires_at > now()) OR expires_at > now())
      ORDER BY created_at DESC, id DESC LIMIT 1000`);
  }

  /** Revokes one session (sessionId) or every one of the sub-account; answers how many were live. */
  async revoke(subAccountId: string, sessionId: string | null): Promise<number> {
    const rows = await this.db.any(sql.type(z.object({ id: z.string() }))`
      UPDATE portal_sessions SET revoked_at = now()
      WHERE sub_account_id = ${subAccountId} AND revoked_at IS NULL ${sessionId === null ? sql.fragment`` : sql.fragment`AND id = ${sessionId}`}
      RETURNING id`);
    return rows.length;
  }
}
