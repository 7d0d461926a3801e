import { assertNever } from '../../platform/domain/never.ts';
import type { ConnectorDefinition, ConnectorEvent } from './messages.ts';

export type ConnectorState = {
  connectorId: string; accountId: string; projectId: string; version: number; definition: ConnectorDefinition;
  deleted: boolean; createdAt: number; updatedAt: number;
  /** The engines' breaker as last recorded (absent: closed, never changed). */
  circuit?: { state: 'closed' | 'open' | 'half_open'; consecutiveFailures: number; openUntil: number | null; changedAt: number };
};

/** A circuit event older than the state's circuit changes nothing (it is no version: redeliveries and races are told by time). */
export const staleCircuit = (s: ConnectorState, e: { at: number }) => e.at < (s.circuit?.changedAt ?? 0);

/** Folds one event into the connector's state (undefined before it exists). */
export function evolve(s: ConnectorState | undefined, e: ConnectorEvent): ConnectorState | undefined {
  if (e.type === 'ConnectorCreated') {
    return { connectorId: e.connectorId, accountId: e.accountId, projectId: e.projectId, version: e.version,
      definition: e.definition, deleted: false, createdAt: e.at, updatedAt: e.at };
  }
  if (!s) return s;
  if (e.type === 'ConnectorCircuitChanged') return { ...s, circuit: { state: e.state, consecutiveFailures: e.consecutiveFailures, openUntil: e.openUntil, changedAt: e.at } };
  const next = { ...s, version: e.version, updatedAt: e.at };
  switch (e.type) {
    case 'ConnectorUpdated': return { ...next, definition: e.definition };
    case 'ConnectorDeleted': return { ...next, deleted: true };
    default: return assertNever(e);
  }
}
