import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import type { ConnectorState } from '../../services/connectors/domain/evolve.ts';
import { fieldsOf, type ConnectorType } from '../../services/connectors/domain/catalog.ts';
import type { Scope } from '../events/queries.ts';
import { afterCursor, decodeCursor, toPage } from '../../services/platform/postgres/pagination.ts';

const iso = (ms: number) => new Date(ms).toISOString();
const stateRow = z.object({ state: z.unknown(), created_at: z.number(), id: z.string() });
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
    version: s.version, createdAt: iso(s.createdAt), updatedAt: iso(s.updatedAt),
  };
}

const scoped = (scope: Scope) => [sql.fragment`account_id = ${scope.accountId}`, sql.fragment`project_id = ${scope.projectId}`, sql.fragment`NOT deleted`];

export async function getConnector(db: DatabasePool, scope: Scope, id: string): Promise<ConnectorState | null> {
  const row = await db.maybeOne(sql.type(stateRow)`
    SELECT id, state, created_at FROM connectors WHERE id = ${id} AND ${sql.join(scoped(scope), sql.fragment` AND `)}`);
  return row ? (row.state as ConnectorState) : null;
}

export async function getConnectorByName(db: DatabasePool, scope: Scope, name: string): Promise<ConnectorState | null> {
  const row = await db.maybeOne(sql.type(stateRow)`
    SELECT id, state, created_at FROM connectors WHERE name = ${name} AND ${sql.join(scoped(scope), sql.fragment` AND `)}
    ORDER BY created_at DESC LIMIT 1`);
  return row ? (row.state as ConnectorState) : null;
}

/** Newest first, `{data, pagination: {hasMore, cursor}}`; null for a cursor that is not ours. */
export async function listConnectors(db: DatabasePool, scope: Scope, q: { limit: number; cursor?: string }) {
  const after = q.cursor ? decodeCursor(q.cursor) : undefined;
  if (after === null) return null;
  const conds = scoped(scope);
  if (after) conds.push(afterCursor(after));
  const rows = await db.any(sql.type(stateRow)`
    SELECT id, state, created_at FROM connectors WHERE ${sql.join(conds, sql.fragment` AND `)}
    ORDER BY created_at DESC, id DESC LIMIT ${q.limit + 1}`);
  return toPage(rows, q.limit, (r) => connectorView(r.state as ConnectorState));
}
