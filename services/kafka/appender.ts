import type { Kafka, Producer } from 'kafkajs';
import { groupByTopic, type Outgoing } from './processor.ts';
import type { Serde } from './serde.ts';

/** Where a record landed: enough to wait for a projector to reach it (read-your-writes). */
export type Position = { topic: string; partition: number; offset: string };

/** The command side's producer: idempotent, acks from all in-sync replicas. */
export class Appender {
  private readonly producer: Producer;
  private readonly serde: Serde;
  constructor(kafka: Kafka, serde: Serde) {
    this.serde = serde;
    this.producer = kafka.producer({ idempotent: true, maxInFlightRequests: 5, allowAutoTopicCreation: false });
  }

  start(): Promise<void> {
    return this.producer.connect();
  }

  /**
   * Appends the records (one produce request) and answers, per topic-partition, the offset of the
   * last record written there.
   */
  async append(out: Outgoing[]): Promise<Position[]> {
    const byTopic = groupByTopic(this.serde, out);
    const meta = await this.producer.sendBatch({ topicMessages: byTopic, acks: -1 });
    return meta.map((m) => {
      const count = out.filter((o) => o.topic === m.topicName).length; // upper bound per partition
      return { topic: m.topicName, partition: m.partition, offset: (BigInt(m.baseOffset ?? '0') + BigInt(count - 1)).toString() };
    });
  }

  stop(): Promise<void> {
    return this.producer.disconnect();
  }
}
