import type { CacheItem, CacheProvider } from '@node-saml/node-saml';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';

/**
 * The AuthnRequest ids issued, in Postgres so that the IdP's answer may reach any API process:
 * node-saml checks InResponseTo against them and removes each once used.
 */
export class SamlRequestCache implements CacheProvider {
  private readonly db: DatabasePool;
  private readonly ttlMs: number;
  constructor(db: DatabasePool, ttlMs: number) {
    this.db = db;
    this.ttlMs = ttlMs;
  }

  async saveAsync(key: string, value: string): Promise<CacheItem | null> {
    const saved = await this.db.maybeOne(sql.type(z.object({ id: z.string() }))`
      INSERT INTO saml_requests (id, issued_at, expires_at) VALUES (${key}, ${value}, now() + ${this.ttlMs} * interval '1 millisecond')
      ON CONFLICT (id) DO NOTHING RETURNING id`);
    return saved ? { value, createdAt: Date.now() } : null;
  }

  async getAsync(key: string): Promise<string | null> {
    return this.db.maybeOneFirst(sql.type(z.object({ issued_at: z.string() }))`
      SELECT issued_at FROM saml_requests WHERE id = ${key} AND expires_at > now()`);
  }

  async removeAsync(key: string | null): Promise<string | null> {
    if (key === null) return null;
    return this.db.maybeOneFirst(sql.type(z.object({ issued_at: z.string() }))`DELETE FROM saml_requests WHERE id = ${key} RETURNING issued_at`);
  }
}

/**
 * The assertions accepted, by id, until they expire: a response posted again (to this process or
 * another) is refused. Expired ids are swept as new ones arrive.
 */
export class SamlAssertions {
  private readonly db: DatabasePool;
  constructor(db: DatabasePool) {
    this.db = db;
  }

  /** Records the assertion's first use; false when it was used before. */
  async firstUse(id: string, accountId: string, expiresAt: number): Promise<boolean> {
    await this.db.query(sql.unsafe`DELETE FROM saml_assertions WHERE expires_at < now() - interval '5 minutes'`);
    await this.db.query(sql.unsafe`DELETE FROM saml_requests WHERE expires_at < now() - interval '5 minutes'`);
    return (await this.db.maybeOne(sql.unsafe`
      INSERT INTO saml_assertions (id, account_id, expires_at) VALUES (${id}, ${accountId}, timestamptz 'epoch' + ${expiresAt} * interval '1 millisecond')
      ON CONFLICT (id) DO NOTHING RETURNING id`)) !== null;
  }
}
