import { sql, type DatabaseTransactionConnection } from 'slonik';
import type { Unapplied } from '../../services/platform/kafka/set-aside.ts';
import { describeError } from '../../services/platform/failures.ts';
import { ts } from '../events/projector.ts';
import type { Projection } from '../../services/platform/projection/runner.ts';

/** Text as Postgres can hold it: it refuses NUL in text, and a set-aside record is often why. */
const storable = (s: string | null) => (s === null ? null : s.replaceAll('\u0000', '\uFFFD'));

/** Writes one set-aside record (idempotent: a record is set aside once per consumer). */
export async function insertSetAside(
  tx: DatabaseTransactionConnection,
  r: { consumer: string; topic: string; partition: number; offset: string | number; key: string; recordType: string | null; value: Buffer | null; decoded: string | null; error: string; at: number },
): Promise<void> {
  await tx.query(sql.unsafe`
    INSERT INTO set_aside_records (consumer, topic, partition, "offset", record_key, record_type, value, decoded, error, set_aside_at)
    VALUES (${r.consumer}, ${r.topic}, ${r.partition}, ${String(r.offset)}, ${storable(r.key)}, ${storable(r.recordType)},
            ${r.value === null ? null : sql.binary(r.value)}, ${storable(r.decoded)}, ${storable(r.error)}, ${ts(r.at)})
    ON CONFLICT DO NOTHING`);
}

/** A record a projector could not apply, set aside in its transaction. */
export function insertUnapplied(tx: DatabaseTransactionConnection, projector: string, u: Unapplied, at: number): Promise<void> {
  return insertSetAside(tx, {
    consumer: `projector.${projector}`, topic: u.topic, partition: u.partition, offset: u.offset, key: u.key,
    recordType: u.recordType, value: u.value, decoded: u.decoded, error: describeError(u.error), at,
  });
}

/** set_aside_records, from the set-aside topic (what the stream processors set aside). */
export function setAsideProjection(topics: { setAside: string }): Projection {
  return {
    name: 'set-aside',
    topics: [topics.setAside],
    tables: ['set_aside_records'],
    async apply(tx, events) {
      for (const e of events) {
        if (e.type !== 'RecordSetAside') continue;
        await insertSetAside(tx, { ...e, at: e.setAsideAt });
      }
    },
  };
}
