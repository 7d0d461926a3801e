import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

// patches/kafkajs+2.2.4.patch rewrites hot paths of kafkajs's producer (patches/README.md).
// These check that what goes on the wire is byte for byte what unpatched kafkajs sends.
const require = createRequire(import.meta.url);
type Encoded = { buffer: Buffer };
type ProduceMessage = { key: string | null; value: Buffer | null; headers: Record<string, string>; timestamp: string };
const produceRequest = require('kafkajs/src/protocol/requests/produce/v3/request.js') as (args: unknown) => { encode(): Promise<Encoded> };
const crc32C = require('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (b: Buffer) => number;
const groupMessagesPerPartition = require('kafkajs/src/producer/groupMessagesPerPartition.js') as (args: unknown) => Record<string, unknown[]>;
const Long = require('kafkajs/src/utils/long.js') as { fromString(s: string): unknown };
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (b: Buffer) => unknown;
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as { RecordBatch: (args: unknown) => Promise<Encoded> };
const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (args: unknown) => unknown;
const decodeRecordBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as (d: unknown) => Promise<{ records: DecodedRecord[] }>;
const Encoder = require('kafkajs/src/protocol/encoder.js') as { BY_REFERENCE: number };
const wrapRequest = require('kafkajs/src/protocol/request.js') as (args: unknown) => Promise<Encoded>;
const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as new (o: unknown) => { scheduleCheckPendingRequests(): void; destroy(): void };
type DecodedRecord = { offset: string; timestamp: string; key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer | Buffer[] | null> };

/** CRC-32C (Castagnoli) bit by bit, straight from its definition (reflected polynomial 0x82F63B78). */
function crc32cReference(buf: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of buf) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('kafkajs patches', () => {
  it('encode a produce request exactly as unpatched kafkajs 2.2.4 does', async () => {
    // Null keys and values, multi-byte UTF-8 keys, records with and without headers, values from
    // empty to 700 bytes, two partitions, a transactional batch: the digest below was taken from
    // the same request encoded by kafkajs 2.2.4 before patching.
    const messages: ProduceMessage[] = Array.from({ length: 300 }, (_, i) => ({
      key: i % 7 === 0 ? null : `key-${i}-${'ü'.repeat(i % 5)}`,
      value: i % 11 === 0 ? null : Buffer.from('v'.repeat((i * 37) % 700)),
      headers: i % 3 === 0 ? ({} as Record<string, string>) : { 'mittr-type': 'EventAccepted', n: String(i) },
      timestamp: String(1_700_000_000_000 + i * 13),
    }));
    const request = produceRequest({
      acks: -1, timeout: 30_000, compression: 0, transactionalId: 'tx', producerId: 12345, producerEpoch: 2,
      topicData: [{ topic: 'events', partitions: [{ partition: 3, firstSequence: 17, messages }, { partition: 0, firstSequence: 0, messages: messages.slice(0, 5) }] }],
    });
    const { buffer } = await request.encode();
    expect(buffer.length).toBe(106_667);
    expect(createHash('sha256').update(buffer).digest('hex')).toBe('c3433c596be23ac3c71de19849ddf50ec747eae057a14eb20be0f63777a665be');
  });

  it('keep large buffers by reference: the same bytes as copying them, ~2 bytes allocated per byte sent', async () => {
    // Records from 10 bytes to 40 KiB (so record values, record batches and the request body
    // cross Encoder.BY_REFERENCE) in two partitions of two topics, framed as Connection sends them.
    const messages: ProduceMessage[] = Array.from({ length: 60 }, (_, i) => ({
      key: `k${i}`, value: Buffer.alloc(i % 6 === 0 ? 40 * 1024 : 10 + i * 300, i), headers: { 'mittr-type': 'EventRouted' }, timestamp: String(1_700_000_000_000 + i),
    }));
    const encode = async () => (await wrapRequest({
      correlationId: 7, clientId: 'mittr',
      request: produceRequest({
        acks: -1, timeout: 30_000, compression: 0, transactionalId: 'tx', producerId: 1, producerEpoch: 0,
        topicData: [
          { topic: 'a', partitions: [{ partition: 0, firstSequence: 0, messages }, { partition: 1, firstSequence: 0, messages: messages.slice(0, 7) }] },
          { topic: 'b', partitions: [{ partition: 2, firstSequence: 0, messages: messages.slice(10, 30) }] },
        ],
      }),
    })).buffer;
    const allocated = async () => {
      const { allocUnsafe, concat } = Buffer;
      let bytes = 0;
      Buffer.allocUnsafe = (n: number) => { bytes += n; return allocUnsafe(n); };
      Buffer.concat = (list: readonly Uint8Array[], n?: number) => { const b = concat(list, n); bytes += b.length; return b; };
      try {
        const buffer = await encode();
        return { buffer, bytes };
      } finally {
        Buffer.allocUnsafe = allocUnsafe;
        Buffer.concat = concat;
      }
    };
    const byReference = await allocated();
    const threshold = Encoder.BY_REFERENCE;
    Encoder.BY_REFERENCE = Number.POSITIVE_INFINITY; // every write copies, as kafkajs 2.2.4 does
    let copied: Awaited<ReturnType<typeof allocated>>;
    try {
      copied = await allocated();
    } finally {
      Encoder.BY_REFERENCE = threshold;
    }
    expect(byReference.buffer.readInt32BE(0)).toBe(byReference.buffer.length - 4);
    expect(byReference.buffer.equals(copied.buffer)).toBe(true);
    expect(byReference.bytes / byReference.buffer.length).toBeLessThan(2); // 1.8: the records, the batch, the request
    expect(copied.bytes / copied.buffer.length).toBeGreaterThan(10); // 12.6 before
  });

  it('checksum record batches with CRC-32C', () => {
    expect(crc32C(Buffer.from('123456789'))).toBe(0xe3069283); // the standard check value
    for (let i = 0; i < 200; i++) {
      const buf = randomBytes((i * 97) % 5_000);
      expect(crc32C(buf)).toBe(crc32cReference(buf));
    }
  });

  it('group messages per partition in their order', () => {
    const messages = Array.from({ length: 1_000 }, (_, i) => ({ key: String(i), value: null, p: i % 3 === 0 ? 0 : i % 5 }));
    const grouped = groupMessagesPerPartition({
      topic: 't', partitionMetadata: [{ partitionId: 0 }], messages, partitioner: ({ message }: { message: { p: number } }) => message.p,
    });
    expect(Object.keys(grouped).sort()).toEqual(['0', '1', '2', '3', '4']);
    for (const [partition, list] of Object.entries(grouped)) {
      expect(list).toEqual(messages.filter((m) => m.p === Number(partition)));
    }
  });

  it('decode records with the offsets, timestamps and headers kafkajs 2.2.4 gives', async () => {
    // Deltas from 0 to 2^62 (varlongs of 1 to 9 bytes, the longer ones on the Long path) on both
    // sides of zero; first offsets from 0 to past 2^53, where sums must not go through a double.
    const timestampDeltas = [0n, 1n, -1n, 63n, 64n, -65n, 128n, 2n ** 31n + 5n, -(2n ** 40n), 2n ** 48n - 1n, -(2n ** 48n), 2n ** 49n, 2n ** 50n + 3n, -(2n ** 62n)];
    const firstOffsets = [0n, 12_345n, 2n ** 53n - 3n, 2n ** 53n + 1n, 2n ** 62n];
    // A header named "__proto__" is the one difference: 2.2.4 made its value [Object.prototype,
    // value]; patched, it is the value, an own property of a plain object.
    const dup = JSON.parse('{"__proto__": "p"}') as Record<string, string>;
    const headerSets: Array<Record<string, string | string[]>> = [{}, { 'mittr-type': 'EventAccepted' }, { a: ['1', '2', '3'], b: 'x', 'ü': ['y', 'z'] }, dup];
    for (const firstOffset of firstOffsets) {
      const firstTimestamp = 1_700_000_000_000n;
      const records = timestampDeltas.map((timestampDelta, i) => Record({
        offsetDelta: i * 3, timestampDelta: Long.fromString(String(timestampDelta)),
        key: i % 4 === 0 ? null : Buffer.from(`k${i}`), value: i % 5 === 0 ? null : Buffer.from(`v${i}`), headers: headerSets[i % headerSets.length],
      }));
      const { buffer } = await RecordBatch({
        firstOffset: Long.fromString(String(firstOffset)), firstTimestamp: Long.fromString(String(firstTimestamp)),
        maxTimestamp: Long.fromString(String(firstTimestamp)), lastOffsetDelta: (records.length - 1) * 3, records,
      });
      const decoded = (await decodeRecordBatch(new Decoder(buffer))).records;
      expect(decoded.map((r) => r.offset)).toEqual(timestampDeltas.map((_, i) => String(firstOffset + BigInt(i * 3))));
      expect(decoded.map((r) => r.timestamp)).toEqual(timestampDeltas.map((d) => String(firstTimestamp + d)));
      decoded.forEach((r, i) => {
        expect(r.key).toEqual(i % 4 === 0 ? null : Buffer.from(`k${i}`));
        expect(r.value).toEqual(i % 5 === 0 ? null : Buffer.from(`v${i}`));
        const expected = Object.fromEntries(Object.entries(headerSets[i % headerSets.length]!)
          .map(([k, v]) => [k, Array.isArray(v) ? v.map((x) => Buffer.from(x)) : Buffer.from(v)]));
        expect(Object.keys(r.headers)).toEqual(Object.keys(expected));
        for (const k of Object.keys(expected)) expect(Object.getOwnPropertyDescriptor(r.headers, k)?.value).toEqual(expected[k]);
        expect(Object.getPrototypeOf(r.headers)).toBe(Object.prototype);
      });
    }
  });

  it('schedule the request queue check without a negative timeout (no warning on Node 24)', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const queue = new RequestQueue({ maxInFlightRequests: 1, requestTimeout: 1_000, clientId: 't', broker: 'b', logger: { debug() {}, warn() {}, error() {}, info() {} } });
      queue.scheduleCheckPendingRequests(); // unthrottled, nothing pending: kafkajs computed -1 - Date.now()
      await new Promise((r) => setTimeout(r, 20));
      queue.destroy();
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('TimeoutNegativeWarning');
  });
});

