/**
 * The rebuild scenario's history writer, in its own process: appends the domain events of
 * `events` delivered webhook events straight to a run's topics, as the API, the router and the
 * engine would have written them (EventAccepted and EventRouted on the events topic, keyed by
 * project; DeliveryAttempted on the outcomes topic, keyed by event), Avro-encoded with the
 * project's own Serde against the schema registry. Writing the log directly is what makes a
 * history of a million records possible in a bench run; the projections cannot tell the
 * difference. One JSON argument; writes {records, seconds} as JSON to `out`.
 *
 * The analytics scenario gives it `endpointIds` (each attempt is to one of them, round-robin),
 * `spanMs` (the history spread evenly over that much of the past) and `failEvery` (every n-th
 * attempt a 500, retried) and varied latencies.
 *
 * The gdpr-export scenario gives it `payloadBytes`: each payload padded to about that size (the
 * history the export streams is then its size in bytes, not just in records).
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import type { DomainEvent } from '../services/capabilities.ts';
import { sendChunked, type Outgoing } from '../services/platform/kafka/processor.ts';
import { Serde } from '../services/platform/kafka/serde.ts';
import { topicNames } from '../services/capabilities.ts';
import { DataKeys } from '../services/data-keys/store.ts';
import { loadConfig } from '../services/platform/config/config.ts';

type Args = {
  brokers: string[]; registryUrl: string; prefix: string; accountId: string; projectId: string; url: string; events: number; out: string;
  endpointIds?: string[]; spanMs?: number; failEvery?: number; payloadBytes?: number;
};

const BATCH = 3_000;
const IN_FLIGHT = 4;

let pad = '';
/** The same filler every time (a payload's size is what matters, not its entropy). */
const padding = (bytes: number) => (pad.length === bytes ? pad : (pad = 'x'.repeat(bytes)));

function lifecycle(a: Args, i: number, t: number): Outgoing[] {
  const topics = topicNames(a.prefix);
  const eventId = randomUUID();
  const dispatchId = randomUUID();
  const order = { type: 'order.created', orderId: `ord_${i}`, amount: 1000 + (i % 9000), currency: 'EUR', customer: { id: `cus_${i % 997}` } };
  const payload = JSON.stringify(a.payloadBytes ? { ...order, note: padding(a.payloadBytes) } : order);
  const accepted: DomainEvent = {
    type: 'EventAccepted', eventId, accountId: a.accountId, projectId: a.projectId, idempotencyKey: `rebuild-${i}`,
    destination: a.url, eventType: null, payload, headers: {}, maxAttempts: 5, priority: 5, delaySeconds: 0,
    createdAt: t, maxAttemptsSet: false, configOffset: -1,
  };
  const routed: DomainEvent = {
    type: 'EventRouted', eventId, accountId: a.accountId, projectId: a.projectId,
    destinations: [{ dispatchId, endpointId: a.endpointIds?.length ? a.endpointIds[i % a.endpointIds.length]! : null, url: a.url }], routedAt: t + 1,
  };
  const endpointId = a.endpointIds?.length ? a.endpointIds[i % a.endpointIds.length]! : null;
  const fails = a.failEvery !== undefined && i % a.failEvery === a.failEvery - 1;
  const attempted: DomainEvent = {
    type: 'DeliveryAttempted', attemptId: randomUUID(), dispatchId, eventId, accountId: a.accountId, projectId: a.projectId,
    endpointId, eventType: null, url: a.url, attemptNumber: 1, maxAttempts: 5, outcome: fails ? 'failure' : 'success', disposition: fails ? 'retry' : 'delivered',
    statusCode: fails ? 500 : 200, responseBody: fails ? 'boom' : 'OK', error: '', errorCategory: null,
    // Latencies over two orders of magnitude when spread (the analytics percentiles have a shape to find).
    durationMs: a.spanMs ? 2 + ((i * 7_919) % 997) : 3 + (i % 20), processingOverheadUs: 400 + (i % 300),
    attemptedAt: t + 5, nextAttemptAt: fails ? t + 60_000 : null, eventCreatedAt: t,
  };
  return [
    { topic: topics.events, key: a.projectId, event: accepted },
    { topic: topics.events, key: a.projectId, event: routed },
    { topic: topics.outcomes, key: eventId, event: attempted },
  ];
}

async function main(): Promise<void> {
  const a = JSON.parse(process.argv[2] ?? '{}') as Args;
  const serde = new Serde(a.registryUrl);
  await serde.registerAll();
  const kafka = new Kafka({ clientId: 'mittr-bench-rebuild-gen', brokers: a.brokers, logLevel: logLevel.ERROR });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: IN_FLIGHT });
  await producer.connect();
  // The history sealed as mittr writes it (MITTR_SEAL_DATA, MITTR_MASTER_KEY as the harness gives
  // mittr), so the rebuild scenario replays what a deployment's log holds, sealed or not.
  const config = loadConfig({ ...process.env, KAFKA_TOPIC_PREFIX: a.prefix });
  const dataKeys = new DataKeys(kafka, serde, topicNames(a.prefix).dataKeys, config.masterKeys, config.sealData);
  await dataKeys.start();
  const t0 = Date.now();
  const step = a.spanMs ? a.spanMs / a.events : 10;
  const base = t0 - a.events * step; // a history spread over the recent past, oldest first
  let next = 0;
  let records = 0;
  const deadline = t0 + 30 * 60_000;
  const worker = async () => {
    while (next < a.events && Date.now() < deadline) {
      const from = next;
      next = Math.min(a.events, next + (a.payloadBytes ? Math.max(1, Math.floor(4_000_000 / a.payloadBytes)) : BATCH / 3));
      const out: Outgoing[] = [];
      for (let i = from; i < next; i++) out.push(...lifecycle(a, i, Math.floor(base + i * step)));
      await sendChunked({ sendBatch: (b) => producer.sendBatch({ ...b, acks: -1, compression: CompressionTypes.None }) }, serde, out);
      records += out.length;
    }
  };
  const progress = setInterval(() => process.stderr.write(`  rebuild-gen: ${records} records written\n`), 5_000);
  // Batches of one worker go in order; a few workers keep the broker busy.
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  clearInterval(progress);
  await producer.disconnect();
  await dataKeys.stop();
  writeFileSync(a.out, JSON.stringify({ records, events: next, seconds: (Date.now() - t0) / 1000 }));
}

main().then(() => process.exit(0), (err: unknown) => {
  console.error('rebuild-gen failed:', err);
  process.exit(1);
});
