import type { ConnectorEvent } from '../../services/connectors/domain/messages.ts';
import { evolve, staleCircuit, type ConnectorState } from '../../services/connectors/domain/evolve.ts';
import { CONNECTOR_EVENT_TYPES } from '../../services/connectors/domain/messages.ts';
import type { DomainEvent } from '../../services/capabilities.ts';
import type { Projection } from '../../services/platform/projection/runner.ts';
import { foldInto, type StateTable } from '../shared/state-table.ts';

export const CONNECTORS_TABLE: StateTable<ConnectorState> = { table: 'connectors', idOf: (s) => s.connectorId, nameOf: (s) => s.definition.name };
const isConnectorEvent = (x: DomainEvent): x is ConnectorEvent => x.type.startsWith('Connector') && (CONNECTOR_EVENT_TYPES as readonly string[]).includes(x.type);

/** connectors: each connector's current state (secrets still sealed), folded by the domain's evolve. */
export function connectorsProjection(topics: { connectors: string }): Projection {
  return {
    name: 'connectors',
    topics: [topics.connectors],
    tables: ['connectors'],
    async apply(tx, events) {
      for (const e of events.filter(isConnectorEvent)) {
        await foldInto(tx, CONNECTORS_TABLE, e.connectorId, e, evolve, e.type === 'ConnectorCircuitChanged' ? (s) => staleCircuit(s, e) : undefined);
      }
    },
  };
}
