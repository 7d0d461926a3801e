import { assertNever } from '../../platform/domain/never.ts';
import type { AlertRuleEvent } from './messages.ts';
import type { RuleDefinition } from './rule.ts';

export type AlertRuleState = {
  ruleId: string; accountId: string; projectId: string; version: number; definition: RuleDefinition;
  deleted: boolean; createdAt: number; updatedAt: number;
};

/** Folds one event into the rule's state (undefined before it exists). */
export function evolve(s: AlertRuleState | undefined, e: AlertRuleEvent): AlertRuleState | undefined {
  if (e.type === 'AlertRuleCreated') {
    return { ruleId: e.ruleId, accountId: e.accountId, projectId: e.projectId, version: e.version,
      definition: JSON.parse(e.definition) as RuleDefinition, deleted: false, createdAt: e.at, updatedAt: e.at };
  }
  if (!s) return s;
  const next = { ...s, version: e.version, updatedAt: e.at };
  switch (e.type) {
    case 'AlertRuleUpdated': return { ...next, definition: JSON.parse(e.definition) as RuleDefinition };
    case 'AlertRuleDeleted': return { ...next, deleted: true };
    default: return assertNever(e);
  }
}
