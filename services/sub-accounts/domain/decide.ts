import { DomainError } from '../../platform/domain/errors.ts';
import { buildDefinition, type SubAccountInput } from './definition.ts';
import type { SubAccountVersioned } from './messages.ts';
import type { SubAccountState } from './evolve.ts';

export type SubAccountCommand =
  | { type: 'Create'; subAccountId: string; accountId: string; projectId: string; input: SubAccountInput }
  | { type: 'Update'; input: SubAccountInput }
  | { type: 'Deactivate' };

/**
 * Decides what happens to a sub-account. Pure: the clock comes in. A missing or deactivated
 * sub-account cannot change (NOT_FOUND); a change to nothing is no event. subID uniqueness is
 * the caller's reservation.
 */
export function decide(state: SubAccountState | undefined, cmd: SubAccountCommand, now: number): SubAccountVersioned[] {
  if (cmd.type === 'Create') {
    if (state) throw new DomainError('CONFLICT', 'sub-account already exists');
    if (cmd.input.name === undefined || cmd.input.subID === undefined) throw new DomainError('VALIDATION_ERROR', 'name and subID are required');
    return [{ type: 'SubAccountCreated', subAccountId: cmd.subAccountId, accountId: cmd.accountId, projectId: cmd.projectId,
      version: 1, definition: buildDefinition(undefined, cmd.input), at: now }];
  }
  if (!state || state.deleted) throw new DomainError('NOT_FOUND', 'sub-account not found');
  const base = { subAccountId: state.subAccountId, accountId: state.accountId, projectId: state.projectId, version: state.version + 1, at: now };
  switch (cmd.type) {
    case 'Update': {
      const definition = buildDefinition(state.definition, cmd.input);
      // A state folded from a record older than portalTheme may lack it: that is no theme, and setting none is no change.
      const current = { ...state.definition, portalTheme: state.definition.portalTheme ?? null };
      return JSON.stringify(definition) === JSON.stringify(current) ? [] : [{ type: 'SubAccountUpdated', ...base, definition }];
    }
    case 'Deactivate': return [{ type: 'SubAccountDeactivated', ...base }];
  }
}

/**
 * Whether an event, an endpoint or a session may be made for the sub-account `id` names in the
 * caller's project: another project's or workspace's is NOT_FOUND, a deactivated one refuses
 * (INVALID_STATE), saying so.
 */
export function assertActive(state: SubAccountState | undefined, scope: { accountId: string; projectId: string }): SubAccountState {
  if (!state || state.accountId !== scope.accountId || state.projectId !== scope.projectId) throw new DomainError('NOT_FOUND', 'sub-account not found');
  if (state.deleted) throw new DomainError('INVALID_STATE', 'the sub-account is deactivated: it takes no new events, endpoints or portal sessions', { subAccountId: state.subAccountId });
  return state;
}
