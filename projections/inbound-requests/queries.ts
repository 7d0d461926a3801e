import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { afterCursor, decodeCursor, toPageBy } from '../../services/platform/postgres/pagination.ts';
import type { Scope } from '../events/queries.ts';
import { openStoredBytes, openStoredMap, openStoredText } from '../../services/data-keys/fields.ts';

const requestRow = z.object({
  id: z.string(), account_id: z.string(), received_at: z.number(), method: z.string(), url: z.string(), headers: z.record(z.string(), z.string()),
  body: z.instanceof(Buffer), verified: z.boolean(), reason: z.string().nullable(), detail: z.string().nullable(),
  delivery_id: z.string().nullable(), event_type: z.string().nullable(), event_id: z.string().nullable(),
  duplicate: z.boolean(), status: z.number(),
});
type RequestRow = z.infer<typeof requestRow>;

/**
 * A received request as the API shows it: the body as text when it is UTF-8, and always in
 * base64 (byte for byte, what the provider sent).
 */
export function requestView(r: RequestRow) {
  // Sealed under the workspace's data key in the table (services/data-keys/fields.ts): opened here only.
  const body = openStoredBytes(r.account_id, 'body', r.body);
  const headers = openStoredMap(r.account_id, 'headers', r.headers);
  const text = body.toString('utf8');
  return {
    id: r.id, receivedAt: new Date(r.received_at).toISOString(), method: r.method, url: openStoredText(r.account_id, 'url', r.url), headers,
    body: Buffer.from(text, 'utf8').equals(body) ? text : null, bodyBase64: body.toString('base64'),
    verified: r.verified, reason: r.reason, detail: r.detail, deliveryId: r.delivery_id, eventType: r.event_type,
    eventId: r.event_id, duplicate: r.duplicate, status: r.status,
  };
}

const columns = sql.fragment`id, account_id, received_at, method, url, headers, body, verified, reason, detail,
  delivery_id, event_type, event_id, duplicate, status`;
const scoped = (scope: Scope, inboundEndpointId: string) => [
  sql.fragment`account_id = ${scope.accountId}`, sql.fragment`project_id = ${scope.projectId}`, sql.fragment`inbound_endpoint_id = ${inboundEndpointId}`,
];

/** The inbound endpoint's requests, newest first; null for a cursor that is not ours. */
export async function listInboundRequests(db: DatabasePool, scope: Scope, inboundEndpointId: string, q: { limit: number; cursor?: string }) {
  const after = q.cursor ? decodeCursor(q.cursor) : undefined;
  if (after === null) return null;
  const conds = scoped(scope, inboundEndpointId);
  if (after) conds.push(afterCursor(after, 'received_at'));
  const rows = await db.any(sql.type(requestRow)`
    SELECT ${columns} FROM inbound_requests WHERE ${sql.join(conds, sql.fragment` AND `)}
    ORDER BY received_at DESC, id DESC LIMIT ${q.limit + 1}`);
  return toPageBy(rows, q.limit, requestView, (r) => r.received_at);
}

export async function getInboundRequest(db: DatabasePool, scope: Scope, inboundEndpointId: string, id: string) {
  const row = await db.maybeOne(sql.type(requestRow)`
    SELECT ${columns} FROM inbound_requests WHERE id = ${id} AND ${sql.join(scoped(scope, inboundEndpointId), sql.fragment` AND `)}`);
  return row ? requestView(row) : null;
}
