import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';

const sessionRow = z.object({
  id: z.string(), csrf_token: z.string(), account_id: z.string(), user_id: z.string().nullable(), key_id: z.string().nullable(), expires_at: z.number(),
});
export type SessionRow = z.infer<typeof sessionRow>;

/** The SQL of login sessions (projections/migrations/1700000000012_sessions.sql). */
export class Sessions {
  private readonly db: DatabasePool;
  constructor(db: DatabasePool) {
    this.db = db;
  }

  async create(s: { id: string; tokenHash: string; csrfToken: string; accountId: string; userId: string | null; keyId: string | null; expiresAt: number }): Promise<void> {
    await this.db.query(sql.unsafe`
      INSERT INTO sessions (id, token_hash, csrf_token, account_id, user_id, key_id, expires_at)
      VALUES (${s.id}, ${s.tokenHash}, ${s.csrfToken}, ${s.accountId}, ${s.userId}, ${s.keyId},
              timestamptz 'epoch' + ${s.expiresAt} * interval '1 millisecond')`);
  }

  /** The live session a cookie's token hash names: not revoked, not expired. */
  find(tokenHash: string): Promise<SessionRow | null> {
    return this.db.maybeOne(sql.type(sessionRow)`
      SELECT id, csrf_token, account_id, user_id, key_id, expires_at FROM sessions
      WHERE token_hash = ${tokenHash} AND revoked_at IS NULL AND expires_at > now()`);
  }

  async revoke(id: string): Promise<void> {
    await this.db.query(sql.unsafe`UPDATE sessions SET revoked_at = now() WHERE id = ${id} AND revoked_at IS NULL`);
  }

  /** Ends a user's sessions in one workspace (a SCIM deactivation does): reactivated, they log in again. */
  async revokeMember(userId: string, accountId: string): Promise<void> {
    await this.db.query(sql.unsafe`UPDATE sessions SET revoked_at = now() WHERE user_id = ${userId} AND account_id = ${accountId} AND revoked_at IS NULL`);
  }

  /** Ends every session of a user (a password reset does). */
  async revokeUser(userId: string): Promise<void> {
    await this.db.query(sql.unsafe`UPDATE sessions SET revoked_at = now() WHERE user_id = ${userId} AND revoked_at IS NULL`);
  }
}
