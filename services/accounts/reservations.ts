import { sql, type DatabasePool } from 'slonik';

/**
 * The accounts' reservations (tables of the API's own, not read models): an e-mail belongs to
 * one account, and a global signing secret is replaced once (a concurrent rotation loses).
 */
export class AccountReservations {
  private readonly db: DatabasePool;
  constructor(db: DatabasePool) {
    this.db = db;
  }

  /** Takes `email` for `accountId`; false when another account has it. */
  async reserveEmail(email: string, accountId: string): Promise<boolean> {
    return (await this.db.maybeOne(sql.unsafe`
      INSERT INTO account_emails (email, account_id) VALUES (${email}, ${accountId})
      ON CONFLICT (email) DO NOTHING RETURNING account_id`)) !== null;
  }

  async releaseEmail(email: string, accountId: string): Promise<void> {
    await this.db.query(sql.unsafe`DELETE FROM account_emails WHERE email = ${email} AND account_id = ${accountId}`);
  }

  /** Takes "the secret `replaces` is replaced"; false when a rotation already replaced it. */
  async reserveRotation(accountId: string, replaces: string): Promise<boolean> {
    return (await this.db.maybeOne(sql.unsafe`
      INSERT INTO account_secret_rotations (account_id, replaces) VALUES (${accountId}, ${replaces})
      ON CONFLICT DO NOTHING RETURNING replaces`)) !== null;
  }

  async releaseRotation(accountId: string, replaces: string): Promise<void> {
    await this.db.query(sql.unsafe`DELETE FROM account_secret_rotations WHERE account_id = ${accountId} AND replaces = ${replaces}`);
  }
}

/** A mailed link's single use (projections/migrations/1700000000013_token_uses.sql). */
export class TokenUses {
  private readonly db: DatabasePool;
  constructor(db: DatabasePool) {
    this.db = db;
  }

  /** Takes the link's one use; false when it was used already. */
  async take(tokenHash: string): Promise<boolean> {
    return (await this.db.maybeOne(sql.unsafe`
      INSERT INTO token_uses (token_hash) VALUES (${tokenHash}) ON CONFLICT (token_hash) DO NOTHING RETURNING token_hash`)) !== null;
  }

  async release(tokenHash: string): Promise<void> {
    await this.db.query(sql.unsafe`DELETE FROM token_uses WHERE token_hash = ${tokenHash}`);
  }
}
