import { sql } from 'slonik';
import type { Projection } from '../../services/platform/projection/runner.ts';
import { lockAccountForErasure } from '../../services/platform/projection/erased-gate.ts';
import { ts } from '../events/projector.ts';
import { purgeWorkspace, vacuumPurged } from './purge.ts';

/**
 * erased_accounts, from the gdpr topic: a WorkspaceErased records the account (which every
 * projector's gate reads: services/platform/projection/erased-gate.ts) and deletes every row the
 * workspace has, in one transaction; the purged tables are vacuumed after it commits.
 */
export function gdprProjection(topics: { gdpr: string }): Projection {
  return {
    name: 'gdpr',
    topics: [topics.gdpr],
    tables: ['erased_accounts'],
    async apply(tx, events) {
      for (const e of events) {
        if (e.type !== 'WorkspaceErased') continue;
        await lockAccountForErasure(tx, e.accountId);
        await tx.query(sql.unsafe`INSERT INTO erased_accounts (account_id, erased_at) VALUES (${e.accountId}, ${ts(e.erasedAt)}) ON CONFLICT (account_id) DO NOTHING`);
        await purgeWorkspace(tx, e);
      }
    },
    async afterCommit(db, events) {
      if (events.some((e) => e.type === 'WorkspaceErased')) await vacuumPurged(db);
    },
  };
}
