import { sql, type DatabasePool } from 'slonik';
import { DomainError } from '../platform/domain/errors.ts';

/** The subscription's version reservations (projections/migrations/1700000000034_billing.sql): one writer per version. */
export class BillingReservations {
  private readonly db: DatabasePool;
  constructor(db: DatabasePool) {
    this.db = db;
  }

  /** Reserves every version, or none (CONFLICT: another command wrote one of them). */
  async reserve(accountId: string, versions: readonly number[]): Promise<void> {
    const taken = await this.db.anyFirst(sql.unsafe`
      INSERT INTO billing_commands (account_id, version) SELECT ${accountId}, v FROM unnest(${sql.array([...versions], 'int4')}) AS v
      ON CONFLICT DO NOTHING RETURNING version`);
    if (taken.length === versions.length) return;
    await this.free(accountId, taken as number[]);
    throw new DomainError('CONFLICT', 'the subscription changed concurrently; read it again and retry');
  }

  async free(accountId: string, versions: readonly number[]): Promise<void> {
    if (versions.length === 0) return;
    await this.db.query(sql.unsafe`DELETE FROM billing_commands WHERE account_id = ${accountId} AND version = ANY(${sql.array([...versions], 'int4')})`);
  }
}
