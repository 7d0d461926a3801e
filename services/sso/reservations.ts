import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';

/** The SSO commands' reservations (projections/migrations/1700000000031_sso.sql): domains claimed, versions written. */
export class SsoReservations {
  private readonly db: DatabasePool;
  constructor(db: DatabasePool) {
    this.db = db;
  }

  /** Claims the domains for the workspace; answers the ones another workspace holds (none taken then). */
  async claim(accountId: string, domains: readonly string[]): Promise<string[]> {
    return this.db.transaction(async (tx) => {
      const held = await tx.anyFirst(sql.type(z.object({ domain: z.string() }))`
        SELECT domain FROM sso_domains WHERE domain = ANY(${sql.array([...domains], 'text')}) AND account_id <> ${accountId} FOR UPDATE`);
      if (held.length > 0) return [...held];
      for (const d of domains) {
        const mine = await tx.maybeOne(sql.unsafe`INSERT INTO sso_domains (domain, account_id) VALUES (${d}, ${accountId}) ON CONFLICT (domain) DO UPDATE SET domain = EXCLUDED.domain WHERE sso_domains.account_id = ${accountId} RETURNING domain`);
        if (!mine) throw Object.assign(new Error('claimed concurrently'), { held: [d] });
      }
      return [];
    }).catch((err: { held?: string[] }) => { if (err.held) return err.held; throw err; });
  }

  /** Frees the workspace's domains outside `keep`. */
  async release(accountId: string, keep: readonly string[]): Promise<void> {
    await this.db.query(sql.unsafe`DELETE FROM sso_domains WHERE account_id = ${accountId} AND NOT (domain = ANY(${sql.array([...keep], 'text')}))`);
  }

  /** One writer per (workspace, version): false when another command wrote it. */
  async version(accountId: string, version: number): Promise<boolean> {
    return (await this.db.maybeOne(sql.unsafe`INSERT INTO sso_commands (account_id, version) VALUES (${accountId}, ${version}) ON CONFLICT DO NOTHING RETURNING version`)) !== null;
  }

  async freeVersion(accountId: string, version: number): Promise<void> {
    await this.db.query(sql.unsafe`DELETE FROM sso_commands WHERE account_id = ${accountId} AND version = ${version}`);
  }
}
