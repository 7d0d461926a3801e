import { assertNever } from '../../platform/domain/never.ts';
import type { SubAccountDefinition, SubAccountVersioned } from './messages.ts';

export type SubAccountState = {
  subAccountId: string; accountId: string; projectId: string; version: number; definition: SubAccountDefinition;
  /** Deactivated: kept (its history stays readable), but it takes no events, endpoints or sessions. */
  deleted: boolean; createdAt: number; updatedAt: number;
};

/** Folds one versioned event into the sub-account's state (undefined before it exists). */
export function evolve(s: SubAccountState | undefined, e: SubAccountVersioned): SubAccountState | undefined {
  if (e.type === 'SubAccountCreated') {
    return { subAccountId: e.subAccountId, accountId: e.accountId, projectId: e.projectId, version: e.version,
      definition: e.definition, deleted: false, createdAt: e.at, updatedAt: e.at };
  }
  if (!s) return s;
  const next = { ...s, version: e.version, updatedAt: e.at };
  switch (e.type) {
    case 'SubAccountUpdated': return { ...next, definition: e.definition };
    case 'SubAccountDeactivated': return { ...next, deleted: true };
    default: return assertNever(e);
  }
}
