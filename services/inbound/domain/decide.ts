import { DomainError } from '../../platform/domain/errors.ts';
import { buildConfig, type ConfigDeps, type InboundInput } from './config.ts';
import type { InboundEndpointEvent } from './messages.ts';
import type { InboundState } from './evolve.ts';

export type InboundCommand =
  | { type: 'Create'; inboundEndpointId: string; accountId: string; projectId: string; input: InboundInput }
  | { type: 'Update'; input: InboundInput }
  | { type: 'Delete' };

/**
 * Decides what happens to an inbound endpoint. Pure: the clock, the sealing and the project's
 * endpoints come in. Commands on a missing or deleted one are NOT_FOUND; a change to nothing is
 * no event. The path suffix's uniqueness is the caller's reservation.
 */
export function decide(state: InboundState | undefined, cmd: InboundCommand, now: number, deps: ConfigDeps): InboundEndpointEvent[] {
  if (cmd.type === 'Create') {
    if (state) throw new DomainError('CONFLICT', 'inbound endpoint already exists');
    return [{ type: 'InboundEndpointCreated', inboundEndpointId: cmd.inboundEndpointId, accountId: cmd.accountId, projectId: cmd.projectId,
      version: 1, config: buildConfig(undefined, cmd.input, deps), at: now }];
  }
  if (!state || state.deleted) throw new DomainError('NOT_FOUND', 'inbound endpoint not found');
  const base = { inboundEndpointId: state.inboundEndpointId, accountId: state.accountId, projectId: state.projectId, version: state.version + 1, at: now };
  switch (cmd.type) {
    case 'Update': {
      const config = buildConfig(state.config, cmd.input, deps);
      return JSON.stringify(config) === JSON.stringify(state.config) ? [] : [{ type: 'InboundEndpointUpdated', ...base, config }];
    }
    case 'Delete': return [{ type: 'InboundEndpointDeleted', ...base }];
  }
}
