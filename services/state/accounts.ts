import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { AccountCreated, ApiKeyCreated } from '../domain/messages/events.ts';
import { decodeBatch } from '../kafka/processor.ts';
import type { Serde } from '../kafka/serde.ts';

export type AccountConfig = { accountId: string; projectId: string; signingSecretEnc: string; email: string };

/**
 * Accounts and API keys held in memory by every role (ARCHITECTURE: config in memory), folded
 * from the accounts topic read from the start by a private consumer group. The API applies
 * its own writes at once, so a key works the moment signup answers.
 */
export class AccountStore {
  private readonly accounts = new Map<string, AccountConfig>();
  private readonly keys = new Map<string, string>();
  private consumer?: Consumer;
  private waiters: Array<() => void> = [];

  private readonly kafka: Kafka;
  private readonly serde: Serde;
  private readonly topic: string;

  constructor(kafka: Kafka, serde: Serde, topic: string) {
    this.kafka = kafka;
    this.serde = serde;
    this.topic = topic;
  }

  apply(e: AccountCreated | ApiKeyCreated): void {
    if (e.type === 'AccountCreated') {
      this.accounts.set(e.accountId, { accountId: e.accountId, projectId: e.projectId, signingSecretEnc: e.signingSecretEnc, email: e.email });
    } else {
      this.keys.set(e.keyHash, e.accountId);
    }
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }

  accountByKeyHash(hash: string): AccountConfig | undefined {
    const id = this.keys.get(hash);
    return id ? this.accounts.get(id) : undefined;
  }

  account(accountId: string): AccountConfig | undefined {
    return this.accounts.get(accountId);
  }

  /** Waits (bounded) for an account another process created to reach this one. */
  async awaitAccount(accountId: string, timeoutMs: number): Promise<AccountConfig | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (!this.accounts.has(accountId) && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(deadline - Date.now(), 0));
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
    return this.accounts.get(accountId);
  }

  /** Starts following the topic and resolves once the history present at start is folded in. */
  async start(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(this.topic);
    await admin.disconnect();
    const pending = new Map(ends.filter((p) => p.high !== p.low && p.high !== '0').map((p) => [p.partition, BigInt(p.high)]));
    let caughtUp!: () => void;
    const ready = new Promise<void>((r) => (caughtUp = r));
    if (pending.size === 0) caughtUp();
    this.consumer = this.kafka.consumer({ groupId: `mittr-accounts-${randomUUID()}`, maxWaitTimeInMs: 50 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of await decodeBatch(this.serde, batch)) {
          if (m.event.type === 'AccountCreated' || m.event.type === 'ApiKeyCreated') this.apply(m.event);
        }
        const end = pending.get(batch.partition);
        if (end !== undefined && BigInt(batch.lastOffset()) + 1n >= end) {
          pending.delete(batch.partition);
          if (pending.size === 0) caughtUp();
        }
      },
    });
    await ready;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
