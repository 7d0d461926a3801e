import type { SubAccountVersioned } from '../../services/sub-accounts/domain/messages.ts';
import { evolve, type SubAccountState } from '../../services/sub-accounts/domain/evolve.ts';
import type { DomainEvent } from '../../services/capabilities.ts';
import type { Projection } from '../../services/platform/projection/runner.ts';
import { foldInto, type StateTable } from '../shared/state-table.ts';

const SUB_ACCOUNTS_TABLE: StateTable<SubAccountState> = { table: 'sub_accounts', idOf: (s) => s.subAccountId, nameOf: (s) => s.definition.subID };
const VERSIONED = new Set(['SubAccountCreated', 'SubAccountUpdated', 'SubAccountDeactivated']);

/** sub_accounts: each sub-account's current state, folded by the domain's evolve (session records are the audit log's). */
export function subAccountsProjection(topics: { subAccounts: string }): Projection {
  return {
    name: 'sub-accounts',
    topics: [topics.subAccounts],
    tables: ['sub_accounts'],
    async apply(tx, events) {
      for (const e of events.filter((x: DomainEvent): x is SubAccountVersioned => VERSIONED.has(x.type))) await foldInto(tx, SUB_ACCOUNTS_TABLE, e.subAccountId, e, evolve);
    },
  };
}
