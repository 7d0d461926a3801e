import type { Message } from 'kafkajs';

/**
 * Bytes of records per produce request at most. A broker refuses a partition's record batch
 * larger than its `message.max.bytes` (1 MiB by default) with MESSAGE_TOO_LARGE, and kafkajs
 * sends everything a `sendBatch` holds for one partition as one batch. A transaction that
 * carried a router's fan-out of a backlog (50 deliveries per event, each with its payload)
 * crossed that limit, failed, and was retried with the same records for ever.
 */
export const PRODUCE_BYTES = 512 * 1024;

/** A record's size on the wire, near enough: key, value, headers and the record's own framing. */
export function recordBytes(m: Message): number {
  let n = 32 + byteLength(m.key) + byteLength(m.value);
  for (const [k, v] of Object.entries(m.headers ?? {})) n += 8 + Buffer.byteLength(k) + (Array.isArray(v) ? v.reduce((s, x) => s + byteLength(x), 0) : byteLength(v));
  return n;
}

function byteLength(x: Buffer | string | null | undefined): number {
  if (x === null || x === undefined) return 0;
  return typeof x === 'string' ? Buffer.byteLength(x) : x.length;
}

export type TopicMessages = { topic: string; messages: Message[] };

/** Records grouped by topic in `sendBatch`'s shape, each topic's in their given order. */
export function toTopicMessages(records: ReadonlyArray<{ topic: string; message: Message }>): TopicMessages[] {
  const byTopic = new Map<string, Message[]>();
  for (const { topic, message } of records) {
    const list = byTopic.get(topic);
    if (list) list.push(message); else byTopic.set(topic, [message]);
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

/**
 * Splits records into consecutive produce requests of at most `budget` bytes (a record larger
 * than that goes alone), each in `sendBatch`'s shape. Sent one after another, the requests keep
 * every partition's records in their given order.
 */
export function produceChunks(records: ReadonlyArray<{ topic: string; message: Message }>, budget = PRODUCE_BYTES): TopicMessages[][] {
  const chunks: TopicMessages[][] = [];
  let start = 0;
  let bytes = 0;
  records.forEach(({ message }, i) => {
    const size = recordBytes(message);
    if (bytes > 0 && bytes + size > budget) {
      chunks.push(toTopicMessages(records.slice(start, i)));
      start = i;
      bytes = 0;
    }
    bytes += size;
  });
  if (start < records.length) chunks.push(toTopicMessages(records.slice(start)));
  return chunks;
}
