import { describeError } from '../failures.ts';
import type { Outgoing } from './processor.ts';

/** A record a stream processor could not apply, kept with its coordinates (schemas/set-aside/). */
export type RecordSetAside = {
  type: 'RecordSetAside';
  consumer: string; topic: string; partition: number; offset: number; key: string;
  recordType: string | null; value: Buffer | null; decoded: string | null; error: string; setAsideAt: number;
};

/** A record as it was in the log, with what went wrong when it was applied. */
export type Unapplied = {
  topic: string; partition: number; offset: string; key: string;
  recordType: string | null; error: unknown;
  /** The bytes of a record that could not be decoded. */
  value: Buffer | null;
  /** A decoded record, as JSON. */
  decoded: string | null;
  /** The record's append time (epoch ms). */
  timestamp: number;
};

/** How many times one record's handler may fail (on its own) before the record is set aside. */
export const ATTEMPTS_BEFORE_SETTING_ASIDE = 3;

/**
 * The RecordSetAside that takes `record` out of its partition's way (ARCHITECTURE 12), for the
 * set-aside topic; it is logged too. Keyed by the record's partition, so the set-aside topic
 * keeps each partition's records in their order.
 */
export function setAside(topic: string, consumer: string, record: Unapplied, at = Date.now()): Outgoing {
  const error = describeError(record.error);
  console.error(`mittr ${consumer}: set aside ${record.topic}[${record.partition}]@${record.offset} (${record.recordType ?? 'no type'}): ${error}`);
  const event: RecordSetAside = {
    type: 'RecordSetAside', consumer, topic: record.topic, partition: record.partition, offset: Number(record.offset),
    key: record.key, recordType: record.recordType, value: record.value, decoded: record.decoded, error, setAsideAt: at,
  };
  return { topic, key: `${record.topic}:${record.partition}`, event };
}
