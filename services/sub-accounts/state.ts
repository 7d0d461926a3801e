import type { ConfigSlice } from '../platform/state/config-store.ts';
import { SUB_ACCOUNT_MESSAGE_TYPES, type SubAccountMessage } from './domain/messages.ts';
import { evolve, type SubAccountState } from './domain/evolve.ts';

/**
 * Every sub-account, as the API keeps them: an event or endpoint naming one is checked here (a
 * map lookup, no I/O), and the portal reads its name and origins here.
 */
export class SubAccountsState implements ConfigSlice {
  readonly types = SUB_ACCOUNT_MESSAGE_TYPES;
  private readonly subAccounts = new Map<string, SubAccountState>();
  readonly topic: string;
  constructor(topic: string) {
    this.topic = topic;
  }

  apply(e: SubAccountMessage): void {
    // Session records are the audit log's; the sessions themselves are the API's table.
    if (e.type === 'SubAccountSessionIssued' || e.type === 'SubAccountSessionsRevoked') return;
    const current = this.subAccounts.get(e.subAccountId);
    if (current && e.version <= current.version) return; // the API applied it already
    const next = evolve(current, e);
    if (next) this.subAccounts.set(e.subAccountId, next);
  }

  get(subAccountId: string): SubAccountState | undefined {
    return this.subAccounts.get(subAccountId);
  }
}
