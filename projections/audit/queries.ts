import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { openStoredMap, openStoredText, SEALED_ENTRY, SEALED_PREFIX } from '../../services/data-keys/fields.ts';
import { toPageBy } from '../../services/platform/postgres/pagination.ts';

const row = z.object({
  id: z.string(), at: z.number(), resource: z.string(), resource_id: z.string(), action: z.string(),
  actor_type: z.string().nullable(), actor_id: z.string().nullable(), actor_address: z.string().nullable(), before: z.unknown(), after: z.unknown(),
});
export type AuditQuery = { resource?: string; action?: string; actor?: string; from?: number; to?: number; limit: number; after?: [number, string] };

/**
 * A line's configuration with its sealed values opened: the projector keeps what the record
 * sealed (an invitation's e-mail, a company name, a SCIM userName, an edit's destination) as the log has it, and each
 * such value is bound to the field it is named by in the line (services/data-keys/fields.ts).
 */
function opened(accountId: string, config: unknown): unknown {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) return config ?? null;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) out[k] = typeof v === 'string' && v.startsWith(SEALED_PREFIX) ? openedText(accountId, k, v) : namesOf(accountId, k, v);
  return out;
}

/** Fields a line keeps as JSON text while sealed (a sub-account's metadata): shown as the object they hold, as a clear one is. */
const JSON_TEXT: ReadonlySet<string> = new Set(['metadata']);

function openedText(accountId: string, field: string, v: string): unknown {
  const text = openStoredText(accountId, field, v);
  return JSON_TEXT.has(field) ? JSON.parse(text) as unknown : text;
}

/**
 * A sealed map (an endpoint's custom headers, kept sealed by the projector) with its names shown
 * and its values redacted, as a clear one's were when it was projected (services/audit/domain/entries.ts).
 */
function namesOf(accountId: string, field: string, v: unknown): unknown {
  if (v === null || typeof v !== 'object' || (v as Record<string, unknown>)[SEALED_ENTRY] === undefined) return v;
  return Object.fromEntries(Object.keys(openStoredMap(accountId, field, v as Record<string, string>)).map((k) => [k, '[redacted]']));
}

const view = (accountId: string) => (r: z.infer<typeof row>) => ({
  id: r.id, at: new Date(r.at).toISOString(), resource: r.resource, resourceId: r.resource_id, action: r.action,
  // The client address is sealed on the log and kept so (services/data-keys/fields.ts ACTOR_TYPES).
  actor: r.actor_type === null ? null : { type: r.actor_type, id: r.actor_id, address: r.actor_address === null ? null : openStoredText(accountId, 'address', r.actor_address) },
  before: opened(accountId, r.before), after: opened(accountId, r.after),
});

/** A workspace's audit log, newest first, filtered. */
export async function auditLog(db: DatabasePool, accountId: string, q: AuditQuery) {
  const conds = [sql.fragment`account_id = ${accountId}`];
  if (q.resource) conds.push(sql.fragment`resource = ${q.resource}`);
  if (q.action) conds.push(sql.fragment`action = ${q.action}`);
  if (q.actor) conds.push(sql.fragment`actor_id = ${q.actor}`);
  if (q.from !== undefined) conds.push(sql.fragment`at >= timestamptz 'epoch' + ${q.from} * interval '1 millisecond'`);
  if (q.to !== undefined) conds.push(sql.fragment`at <= timestamptz 'epoch' + ${q.to} * interval '1 millisecond'`);
  if (q.after) conds.push(sql.fragment`(at, id) < (timestamptz 'epoch' + ${q.after[0]} * interval '1 millisecond', ${q.after[1]})`);
  const rows = await db.any(sql.type(row)`
    SELECT id, at, resource, resource_id, action, actor_type, actor_id, actor_address, before, after FROM audit_log
    WHERE ${sql.join(conds, sql.fragment` AND `)} ORDER BY at DESC, id DESC LIMIT ${q.limit + 1}`);
  return toPageBy(rows, q.limit, view(accountId), (r) => r.at);
}
