import { createHash } from 'node:crypto';
import type { DeliveryRequested } from './messages.ts';

/** What one delivery becomes in a stored object: the event, its payload as sent to push endpoints. */
export type StoredRecord = { id: string; dispatchId: string; eventType: string | null; createdAt: string; headers: Record<string, string>; data: unknown };

/** Deliveries in a fixed order (creation, then event id), so the same batch gives the same bytes. */
export function ordered(batch: readonly DeliveryRequested[]): DeliveryRequested[] {
  return [...batch].sort((a, b) => a.createdAt - b.createdAt || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
}

/**
 * The object's key: `<prefix><yyyy>/<mm>/<dd>/<first event id>[+<n-1>-<hash of all event ids>].<ext>`,
 * dated by the first event's creation (UTC). A function of the deliveries alone: a retried write of
 * the same deliveries, by the SDK or by the engine, lands on the same key and overwrites it.
 */
export function objectKey(prefix: string, format: 'ndjson' | 'json', batch: readonly DeliveryRequested[]): string {
  const items = ordered(batch);
  const first = items[0]!;
  const day = new Date(first.createdAt).toISOString().slice(0, 10).replaceAll('-', '/');
  const dir = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
  const rest = items.length === 1 ? '' : `+${items.length - 1}-${createHash('sha256').update(items.map((r) => r.eventId).join('\n')).digest('hex').slice(0, 16)}`;
  return `${dir}${day}/${first.eventId}${rest}.${format}`;
}

/** The object's body: one JSON record a line (ndjson) or a JSON array (json). */
export function objectBody(format: 'ndjson' | 'json', batch: readonly DeliveryRequested[]): string {
  const records = ordered(batch).map(toRecord);
  return format === 'json' ? JSON.stringify(records) : records.map((r) => `${JSON.stringify(r)}\n`).join('');
}

function toRecord(r: DeliveryRequested): StoredRecord {
  return { id: r.eventId, dispatchId: r.dispatchId, eventType: r.eventType, createdAt: new Date(r.createdAt).toISOString(), headers: r.headers, data: JSON.parse(r.payload) };
}
