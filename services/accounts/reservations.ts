import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { blindIndexKey, type MasterKeyRing } from '../platform/crypto/envelope.ts';
import { emailIndex } from '../platform/crypto/email-index.ts';

/**
 * The accounts' reservations (tables of the API's own, not read models): an e-mail belongs to
 * one account, and a global signing secret is replaced once (a concurrent rotation loses).
 *
 * An e-mail is reserved by its blind index (an HMAC under a key of the master key's), never in
 * clear: the table is unique by address, so it cannot hold the address sealed with a random
 * nonce, and the log's records hold the address sealed (services/data-keys/fields.ts).
 */
export class AccountReservations {
  private readonly db: DatabasePool;
  private readonly indexKey: Buffer;
  /** The index keys of the older master keys: an address reserved before a rotation is still taken. */
  private readonly olderKeys: Buffer[];
  private indexed?: Promise<void>;
  constructor(db: DatabasePool, masters: MasterKeyRing) {
    this.db = db;
    this.indexKey = blindIndexKey(masters);
    this.olderKeys = masters.slice(1).map((m) => blindIndexKey([m]));
  }

  /** Takes `email` for `accountId`; false when another account has it. */
  async reserveEmail(email: string, accountId: string): Promise<boolean> {
    await (this.indexed ??= indexClearEmails(this.db, this.indexKey));
    const older = this.olderKeys.map((k) => emailIndex(k, email));
    return (await this.db.maybeOne(sql.unsafe`
      INSERT INTO account_emails (email_index, account_id)
      SELECT ${emailIndex(this.indexKey, email)}, ${accountId}
      WHERE NOT EXISTS (SELECT 1 FROM account_emails WHERE email_index = ANY(${sql.array(older, 'text')}))
      ON CONFLICT (email_index) DO NOTHING RETURNING account_id`)) !== null;
  }

  async releaseEmail(email: string, accountId: string): Promise<void> {
    await this.db.query(sql.unsafe`DELETE FROM account_emails WHERE email_index = ${emailIndex(this.indexKey, email)} AND account_id = ${accountId}`);
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

const clearRow = z.object({ email_index: z.string(), account_id: z.string() });

/**
 * Replaces the addresses reserved in clear before reservations were indexed (a deployment from
 * before migration 35) by their blind index, once per process before its first reservation:
 * idempotent, and a row another process replaced first is left as it is.
 */
async function indexClearEmails(db: DatabasePool, indexKey: Buffer): Promise<void> {
  const rows = await db.any(sql.type(clearRow)`SELECT email_index, account_id FROM account_emails WHERE email_index NOT LIKE 'bi1:%'`);
  for (const r of rows) {
    await db.transaction(async (tx) => {
      await tx.query(sql.unsafe`DELETE FROM account_emails WHERE email_index = ${r.email_index}`);
      await tx.query(sql.unsafe`INSERT INTO account_emails (email_index, account_id) VALUES (${emailIndex(indexKey, r.email_index)}, ${r.account_id}) ON CONFLICT DO NOTHING`);
    });
  }
  // The replaced rows' space is reclaimed, so their addresses leave the table's files as the table is written on.
  if (rows.length > 0) await db.query(sql.unsafe`VACUUM account_emails`);
}
