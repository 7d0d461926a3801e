import { DomainError } from '../../platform/domain/errors.ts';
import type { AlertRuleState } from './evolve.ts';
import type { AlertRuleEvent } from './messages.ts';
import { buildRule, type RuleInput, type Seal } from './rule.ts';

export type AlertRuleCommand =
  | { type: 'Create'; ruleId: string; accountId: string; projectId: string; input: RuleInput }
  | { type: 'Update'; input: RuleInput }
  | { type: 'SetEnabled'; enabled: boolean }
  | { type: 'Delete' };

/**
 * Decides what happens to an alert rule. Pure: the clock and the sealer come in. Commands on a
 * missing or deleted rule are NOT_FOUND; a change to nothing (enabling an enabled rule) is no event.
 */
export function decide(state: AlertRuleState | undefined, cmd: AlertRuleCommand, now: number, seal: Seal): AlertRuleEvent[] {
  if (cmd.type === 'Create') {
    if (state) throw new DomainError('CONFLICT', 'alert rule already exists');
    return [{ type: 'AlertRuleCreated', ruleId: cmd.ruleId, accountId: cmd.accountId, projectId: cmd.projectId, version: 1,
      definition: JSON.stringify(buildRule(undefined, cmd.input, seal)), at: now }];
  }
  if (!state || state.deleted) throw new DomainError('NOT_FOUND', 'alert rule not found');
  const base = { ruleId: state.ruleId, accountId: state.accountId, projectId: state.projectId, version: state.version + 1, at: now };
  if (cmd.type === 'Delete') return [{ type: 'AlertRuleDeleted', ...base }];
  const input = cmd.type === 'SetEnabled' ? { enabled: cmd.enabled } : cmd.input;
  const definition = JSON.stringify(buildRule(state.definition, input, seal));
  return definition === JSON.stringify(state.definition) ? [] : [{ type: 'AlertRuleUpdated', ...base, definition }];
}
