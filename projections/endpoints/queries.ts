import { sql, type DatabasePool } from 'slonik';
import { X509Certificate } from 'node:crypto';
import { z } from 'zod';
import type { EndpointConfig } from '../../services/endpoints/domain/messages.ts';
import { maskStorage, type StorageConfig } from '../../services/endpoints/domain/storage.ts';
import type { EndpointState } from '../../services/endpoints/domain/evolve.ts';
import type { Scope } from '../events/queries.ts';
import { afterCursor, decodeCursor, toPage } from '../../services/platform/postgres/pagination.ts';
import { openStoredMap, openStoredText } from '../../services/data-keys/fields.ts';

const iso = (ms: number) => new Date(ms).toISOString();
const stateRow = z.object({ state: z.unknown(), created_at: z.number(), id: z.string() });
/** A portal's reads (scope.subAccountId set) see that sub-account's endpoints only; the workspace's see all of them. */
const ofSubAccount = (scope: Scope) => (scope.subAccountId === undefined ? sql.fragment`TRUE` : sql.fragment`state->>'subAccountId' = ${scope.subAccountId}`);

function certificateInfo(pem: string) {
  try {
    const c = new X509Certificate(pem);
    return { subject: c.subject, fingerprint256: c.fingerprint256, validTo: new Date(c.validTo).toISOString() };
  } catch {
    return null;
  }
}

/**
 * A configuration with its URL and custom headers opened: the projector keeps them as the log has
 * them, sealed under the workspace's data key (services/data-keys/fields.ts); a state the command
 * just folded, or one written before sealing, is clear and answered as it is. Throws ErasedError.
 */
export function openedConfig(accountId: string, c: EndpointConfig): EndpointConfig {
  return { ...c, url: openStoredText(accountId, 'url', c.url), customHeaders: openStoredMap(accountId, 'customHeaders', c.customHeaders ?? {}) };
}

/** The configuration as the API shows it: filter and storageConfig as JSON values, storage credentials masked. */
export function configView(c: EndpointConfig) {
  const { filter, storageConfig, ...rest } = c;
  return { ...rest, filter: filter === null ? null : JSON.parse(filter), storageConfig: storageConfig === null ? null : maskStorage(JSON.parse(storageConfig) as StorageConfig) };
}

/** The public shape of an endpoint (secrets never included; see /secret). */
export function endpointView(s: EndpointState) {
  return {
    id: s.endpointId, subAccountId: s.subAccountId ?? null, ...configView(openedConfig(s.accountId, s.config)),
    status: s.paused ? 'paused' as const : 'active' as const, paused: s.paused, version: s.version,
    circuitState: s.circuit?.state ?? 'closed', circuitOpenUntil: s.circuit?.openUntil ? iso(s.circuit.openUntil) : null,
    mtls: s.mtlsCertPem ? { configured: true, certificate: certificateInfo(s.mtlsCertPem) } : { configured: false },
    createdAt: iso(s.createdAt), updatedAt: iso(s.updatedAt),
  };
}

export async function getEndpoint(db: DatabasePool, scope: Scope, id: string): Promise<EndpointState | null> {
  const row = await db.maybeOne(sql.type(stateRow)`
    SELECT id, state, created_at FROM endpoints
    WHERE id = ${id} AND account_id = ${scope.accountId} AND project_id = ${scope.projectId} AND NOT deleted AND ${ofSubAccount(scope)}`);
  return row ? (row.state as EndpointState) : null;
}

export async function listEndpoints(db: DatabasePool, scope: Scope, q: { limit: number; cursor?: string }) {
  const after = q.cursor ? decodeCursor(q.cursor) : undefined;
  if (after === null) return null;
  const conds = [sql.fragment`account_id = ${scope.accountId}`, sql.fragment`project_id = ${scope.projectId}`, sql.fragment`NOT deleted`, ofSubAccount(scope)];
  if (after) conds.push(afterCursor(after));
  const rows = await db.any(sql.type(stateRow)`
    SELECT id, state, created_at FROM endpoints WHERE ${sql.join(conds, sql.fragment` AND `)}
    ORDER BY created_at DESC, id DESC LIMIT ${q.limit + 1}`);
  return toPage(rows, q.limit, (r) => endpointView(r.state as EndpointState));
}

const versionRow = z.object({
  account_id: z.string(), version: z.number(), change: z.string(), config: z.unknown(), paused: z.boolean(), rolled_back_to: z.number().nullable(), at: z.number(),
});
export type EndpointVersion = { version: number; change: string; config: ReturnType<typeof configView>; paused: boolean; rolledBackTo: number | null; createdAt: string };

export async function endpointVersions(db: DatabasePool, endpointId: string, version?: number): Promise<EndpointVersion[]> {
  const rows = await db.any(sql.type(versionRow)`
    SELECT e.account_id, v.version, v.change, v.config, v.paused, v.rolled_back_to, v.at
    FROM endpoint_versions v JOIN endpoints e ON e.id = v.endpoint_id
    WHERE v.endpoint_id = ${endpointId} ${version === undefined ? sql.fragment`` : sql.fragment`AND v.version = ${version}`}
    ORDER BY v.version`);
  return rows.map((r) => ({
    version: r.version, change: r.change, config: configView(openedConfig(r.account_id, r.config as EndpointConfig)), paused: r.paused,
    rolledBackTo: r.rolled_back_to, createdAt: iso(r.at),
  }));
}

/**
 * One version's configuration as stored (sealed storage credentials included): what a rollback
 * restores. Never shown. Its URL and headers are opened: the rollback's record seals them anew.
 */
export async function endpointVersionConfig(db: DatabasePool, endpointId: string, version: number): Promise<EndpointConfig | null> {
  const row = await db.maybeOne(sql.type(z.object({ config: z.unknown(), account_id: z.string() }))`
    SELECT v.config, e.account_id FROM endpoint_versions v JOIN endpoints e ON e.id = v.endpoint_id
    WHERE v.endpoint_id = ${endpointId} AND v.version = ${version}`);
  return row ? openedConfig(row.account_id, row.config as EndpointConfig) : null;
}
