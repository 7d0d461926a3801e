import type { DatabasePool } from 'slonik';
import type { ConnectorState } from '../../services/connectors/domain/evolve.ts';
import { fieldsOf, type ConnectorType } from '../../services/connectors/domain/catalog.ts';
import type { Scope } from '../events/queries.ts';
import { getById, getByName, listPage } from '../shared/state-table.ts';

const iso = (ms: number) => new Date(ms).toISOString();
const parsed = (text: string | null) => (text === null ? null : JSON.parse(text));

/** The public shape of a connector: its config with every secret field masked, never opened. */
export function connectorView(s: ConnectorState) {
  const d = s.definition;
  const secret = new Set(fieldsOf(d.type as ConnectorType).filter((f) => f.secret).map((f) => f.name));
  const config = Object.fromEntries(Object.entries(JSON.parse(d.config) as Record<string, unknown>).filter(([k]) => !secret.has(k)));
  return {
    id: s.connectorId, name: d.name, type: d.type as ConnectorType, description: d.description,
    config: { ...config, ...JSON.parse(d.masked) }, template: parsed(d.template),
    eventTypes: d.eventTypes, filter: parsed(d.filter), categories: d.categories,
    severity_filter: d.severityFilter, alert_type_filter: d.alertTypeFilter, is_active: d.isActive,
    circuit: { state: s.circuit?.state ?? 'closed', consecutiveFailures: s.circuit?.consecutiveFailures ?? 0,
      openUntil: s.circuit?.openUntil ? iso(s.circuit.openUntil) : null, changedAt: s.circuit ? iso(s.circuit.changedAt) : null },
    version: s.version, createdAt: iso(s.createdAt), updatedAt: iso(s.updatedAt),
  };
}

export const getConnector = (db: DatabasePool, scope: Scope, id: string) => getById<ConnectorState>(db, 'connectors', scope, id);
export const getConnectorByName = (db: DatabasePool, scope: Scope, name: string) => getByName<ConnectorState>(db, 'connectors', scope, name);
export const listConnectors = (db: DatabasePool, scope: Scope, q: { limit: number; cursor?: string }) => listPage(db, 'connectors', scope, q, connectorView);
