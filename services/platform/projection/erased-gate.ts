import { sql, type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import type { Positioned } from './runner.ts';

/** The record that erases a workspace (services/gdpr): it passes the gate, its projection purges. */
const ERASURE = 'WorkspaceErased';
const uuid = z.uuid();
const erasedRow = z.object({ account_id: z.string() });

/** The account a record belongs to: its accountId, or for a set-aside record the one of the record it holds. */
export function accountOf(e: Positioned['event']): string | undefined {
  const direct = (e as { accountId?: unknown }).accountId;
  if (typeof direct === 'string') return direct;
  if (e.type === 'RecordSetAside' && e.decoded) {
    try {
      const held = (JSON.parse(e.decoded) as { accountId?: unknown }).accountId;
      return typeof held === 'string' ? held : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * The records of a batch whose workspace is not erased, read in the projector's transaction.
 * The erasure's purge takes each account's advisory lock exclusively (projections/gdpr) and this
 * takes it shared before it reads erased_accounts, in a statement of its own: a batch either
 * commits before the purge starts (whose DELETEs then see its rows) or, waiting on the lock, sees
 * the erasure committed and leaves the records out. Without the lock, a batch that read
 * erased_accounts just before the purge committed would insert rows the purge never saw.
 */
export async function withoutErased<R extends Positioned>(tx: DatabaseTransactionConnection, records: readonly R[]): Promise<readonly R[]> {
  const accounts = new Set<string>();
  for (const m of records) {
    const a = m.event.type === ERASURE ? undefined : accountOf(m.event);
    if (a !== undefined && uuid.safeParse(a).success) accounts.add(a);
  }
  if (accounts.size === 0) return records;
  const ids = sql.array([...accounts].sort(), 'uuid');
  await tx.query(sql.unsafe`SELECT pg_advisory_xact_lock_shared(hashtext('mittr-account:' || a::text)) FROM unnest(${ids}::uuid[]) AS t(a)`);
  const erased = new Set((await tx.any(sql.type(erasedRow)`SELECT account_id FROM erased_accounts WHERE account_id = ANY(${ids}::uuid[])`)).map((r) => r.account_id));
  if (erased.size === 0) return records;
  return records.filter((m) => m.event.type === ERASURE || !erased.has(accountOf(m.event) ?? ''));
}

/** Takes the account's advisory lock exclusively for the erasure's purge (see withoutErased). */
export async function lockAccountForErasure(tx: DatabaseTransactionConnection, accountId: string): Promise<void> {
  await tx.query(sql.unsafe`SELECT pg_advisory_xact_lock(hashtext('mittr-account:' || ${accountId}::uuid::text))`);
}
