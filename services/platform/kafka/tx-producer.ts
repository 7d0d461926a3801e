import type { Kafka, Producer, Transaction } from 'kafkajs';
import { kafkaPartitioner } from './partitioner.ts';
import { TRANSACTION_TIMEOUT_MS } from './timeouts.ts';

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
  async run(fn: (tx: Transaction) => Promise<void>): Promise<void> {
    if (this.broken) await this.replace();
    let tx: Transaction;
    try {
      tx = await this.producer.transaction();
    } catch (err) {
      await this.replace().catch(() => undefined);
      throw err;
    }
    try {
      await fn(tx);
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
