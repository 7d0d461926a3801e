import { DomainError } from '../../platform/domain/errors.ts';
import { buildDefinition, type ConnectorInput, type Sealer } from './definition.ts';
import type { ConnectorEvent } from './messages.ts';
import type { ConnectorState } from './evolve.ts';

export type ConnectorCommand =
  | { type: 'Create'; connectorId: string; accountId: string; projectId: string; input: ConnectorInput;
    /** Live connectors of the account now, and the most its plan allows (null: unlimited). */
    count: number; limit: number | null; plan: string }
  | { type: 'Update'; input: ConnectorInput }
  | { type: 'Delete' };

/**
 * Decides what happens to a connector. Pure: the clock comes in, and so does the sealer of
 * secrets (the domain holds no key). A create beyond the plan's connectors is QUOTA_EXCEEDED;
 * commands on a missing or deleted connector are NOT_FOUND; a change to nothing is no event.
 */
export function decide(state: ConnectorState | undefined, cmd: ConnectorCommand, now: number, seal: Sealer): ConnectorEvent[] {
  if (cmd.type === 'Create') {
    if (state) throw new DomainError('CONFLICT', 'connector already exists');
    if (cmd.limit !== null && cmd.count >= cmd.limit) {
      throw new DomainError('QUOTA_EXCEEDED', `the ${cmd.plan} plan allows ${cmd.limit} connector(s); delete one or upgrade`, { limit: cmd.limit, used: cmd.count, resource: 'connectors' });
    }
    return [{ type: 'ConnectorCreated', connectorId: cmd.connectorId, accountId: cmd.accountId, projectId: cmd.projectId,
      version: 1, definition: buildDefinition(undefined, cmd.input, seal), at: now }];
  }
  if (!state || state.deleted) throw new DomainError('NOT_FOUND', 'connector not found');
  const base = { connectorId: state.connectorId, accountId: state.accountId, projectId: state.projectId, version: state.version + 1, at: now };
  switch (cmd.type) {
    case 'Update': {
      const definition = buildDefinition(state.definition, cmd.input, seal);
      return JSON.stringify(definition) === JSON.stringify(state.definition) ? [] : [{ type: 'ConnectorUpdated', ...base, definition }];
    }
    case 'Delete': return [{ type: 'ConnectorDeleted', ...base }];
  }
}
