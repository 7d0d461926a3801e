import type { Kafka, Offsets, Producer, Transaction } from 'kafkajs';
import { retryRetriable } from './client.ts';
import { kafkaPartitioner } from './partitioner.ts';
import { TRANSACTION_TIMEOUT_MS } from './timeouts.ts';

/** What a transaction's work may do: append records and commit consumed offsets. */
export type TxWork = {
  sendBatch(batch: Parameters<Transaction['sendBatch']>[0]): Promise<void>;
  sendOffsets(offsets: Offsets & { consumerGroupId: string }): Promise<void>;
};

/**
 * Retries `op` while the transaction coordinator answers CONCURRENT_TRANSACTIONS: it is still
 * writing the markers of this producer's previous commit (tens of ms). kafkajs retries this for
 * records (AddPartitionsToTxn) but not for offsets (AddOffsetsToTxn): there the whole transaction
 * failed, was aborted and the producer replaced, a stall of 0.5-1 s of the router or an engine
 * lane, a few times a minute at 1,000 events/s. The Java producer retries it after 20 ms.
 */
function whileCoordinatorBusy(op: () => Promise<void>): Promise<void> {
  return retryRetriable(op, {
    when: (err) => (err as { type?: string }).type === 'CONCURRENT_TRANSACTIONS',
    firstDelayMs: 20, maxDelayMs: 320, timeoutMs: 1_600,
  });
}

/**
 * A transactional producer that heals itself. When the broker goes away mid-transaction, the
 * commit fails and so does the abort, and kafkajs leaves the producer in a state where every
 * later transaction() throws ("Cannot call beginTransaction in state COMMITTING"). Then the
 * producer is replaced by a new one with the same transactional id: its initialisation fences
 * the old one and aborts whatever it left open, so nothing half-written ever becomes visible.
 */
export class TxProducer {
  private producer: Producer;
  private readonly kafka: Kafka;
  private readonly transactionalId: string;
  private broken = false;

  constructor(kafka: Kafka, transactionalId: string) {
    this.kafka = kafka;
    this.transactionalId = transactionalId;
    this.producer = this.create();
  }

  private create(): Producer {
    return this.kafka.producer({
      transactionalId: this.transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout: TRANSACTION_TIMEOUT_MS,
      createPartitioner: kafkaPartitioner,
      // A transaction begun right after a commit often meets CONCURRENT_TRANSACTIONS while the
      // coordinator still writes the commit markers (tens of ms). The client's first retry after
      // 100 ms stalled the router or an engine lane that long, 40-50 times a minute at 1,000
      // events/s; the Java producer retries this after 20 ms. Two more retries keep the patience
      // for real outages about what it was (~20 s in all).
      retry: { initialRetryTime: 20, retries: 10 },
    });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  /** Runs `fn` in one transaction and commits it; on failure aborts, replaces the producer and rethrows. */
  async run(fn: (tx: TxWork) => Promise<void>): Promise<void> {
    if (this.broken) await this.replace();
    let tx: Transaction;
    try {
      tx = await this.producer.transaction();
    } catch (err) {
      await this.replace().catch(() => undefined);
      throw err;
    }
    const work: TxWork = {
      sendBatch: (batch) => tx.sendBatch(batch).then(() => undefined),
      sendOffsets: (offsets) => whileCoordinatorBusy(() => tx.sendOffsets(offsets)),
    };
    try {
      await fn(work);
      await tx.commit();
    } catch (err) {
      await tx.abort().catch(() => undefined);
      // After a broker outage kafkajs may keep this producer "disconnected" for good, or stuck in
      // a transaction state: a failed transaction always gets a fresh producer.
      await this.replace().catch(() => undefined);
      throw err;
    }
  }

  /** A new producer with the same transactional id; until one connects, the next run tries again. */
  private async replace(): Promise<void> {
    this.broken = true;
    const old = this.producer;
    this.producer = this.create();
    await old.disconnect().catch(() => undefined);
    await this.producer.connect();
    this.broken = false;
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}
