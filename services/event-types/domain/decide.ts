import { DomainError } from '../../platform/domain/errors.ts';
import { buildDefinition, type EventTypeInput, type SchemaCheck } from './definition.ts';
import type { EventTypeEvent } from './messages.ts';
import type { EventTypeState } from './evolve.ts';

export type EventTypeCommand =
  | { type: 'Create'; eventTypeId: string; accountId: string; projectId: string; input: EventTypeInput }
  | { type: 'Update'; input: EventTypeInput }
  | { type: 'Delete' };

/**
 * Decides what happens to an event type. Pure: the clock comes in, and so does the schema check
 * (the domain holds no schema engine). Commands on a missing or deleted event type are
 * NOT_FOUND; a change to nothing is no event. Name uniqueness is the caller's reservation.
 */
export function decide(state: EventTypeState | undefined, cmd: EventTypeCommand, now: number, check: SchemaCheck): EventTypeEvent[] {
  if (cmd.type === 'Create') {
    if (state) throw new DomainError('CONFLICT', 'event type already exists');
    return [{ type: 'EventTypeCreated', eventTypeId: cmd.eventTypeId, accountId: cmd.accountId, projectId: cmd.projectId,
      version: 1, definition: buildDefinition(undefined, cmd.input, check), at: now }];
  }
  if (!state || state.deleted) throw new DomainError('NOT_FOUND', 'event type not found');
  const base = { eventTypeId: state.eventTypeId, accountId: state.accountId, projectId: state.projectId, version: state.version + 1, at: now };
  switch (cmd.type) {
    case 'Update': {
      const definition = buildDefinition(state.definition, cmd.input, check);
      return JSON.stringify(definition) === JSON.stringify(state.definition) ? [] : [{ type: 'EventTypeUpdated', ...base, definition }];
    }
    case 'Delete': return [{ type: 'EventTypeDeleted', ...base }];
  }
}
