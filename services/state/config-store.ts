import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import { matchesEventType } from '../domain/endpoint/config.ts';
import type { EndpointEvent } from '../domain/endpoint/events.ts';
import { evolve, type EndpointState } from '../domain/endpoint/evolve.ts';
import type { EventTypeEvent } from '../domain/event-type/events.ts';
import { evolve as evolveEventType, type EventTypeState } from '../domain/event-type/evolve.ts';
import type { SecretPair } from '../domain/secrets/rotation.ts';
import type { AccountCreated, AccountSigningSecretRotated, ApiKeyCreated, DomainEvent } from '../domain/messages/events.ts';
import { retryRetriable } from '../kafka/client.ts';
import { decodeBatch } from '../kafka/processor.ts';
import { describeError } from '../platform/failures.ts';
import { superviseConsumer } from '../kafka/supervise.ts';
import type { Serde } from '../kafka/serde.ts';

/** An account as every role keeps it; its secrets sign direct events and endpoints without their own. */
export type AccountConfig = SecretPair & { accountId: string; projectId: string; email: string };

const isEndpointEvent = (e: DomainEvent): e is EndpointEvent => e.type.startsWith('Endpoint');
const isEventTypeEvent = (e: DomainEvent): e is EventTypeEvent => e.type.startsWith('EventType');

/**
 * The configuration every role keeps in memory (ARCHITECTURE: config in memory): accounts, API
 * keys and endpoints, folded from their single-partition topics read from the start by a private
 * consumer group. `endpointsOffset` says how far the endpoints topic is applied, so a reader can
 * wait for a configuration at least as new as a writer saw. The API applies its own writes at once.
 */
export class ConfigStore {
  private readonly accounts = new Map<string, AccountConfig>();
  private readonly keys = new Map<string, string>();
  private readonly endpoints = new Map<string, EndpointState>();
  private readonly byProject = new Map<string, Set<string>>();
  private readonly eventTypes = new Map<string, EventTypeState>();
  /** Live event type id by `projectId/name`. */
  private readonly eventTypeIds = new Map<string, string>();
  private consumer?: Consumer;
  private waiters: Array<() => void> = [];
  /** Next offset to apply on the endpoints topic (its only partition). */
  endpointsOffset = 0;

  private readonly kafka: Kafka;
  private readonly serde: Serde;
  private readonly topics: { accounts: string; endpoints: string; eventTypes: string };

  constructor(kafka: Kafka, serde: Serde, topics: { accounts: string; endpoints: string; eventTypes: string }) {
    this.kafka = kafka;
    this.serde = serde;
    this.topics = topics;
  }

  /** Folds an event in; `offset` (endpoints topic) is given when it comes from the log. */
  apply(e: DomainEvent, offset?: number): void {
    if (e.type === 'AccountCreated' || e.type === 'ApiKeyCreated' || e.type === 'AccountSigningSecretRotated') this.applyAccount(e);
    else if (isEndpointEvent(e)) {
      const current = this.endpoints.get(e.endpointId);
      // The API applies its own writes before they come back from the log: never go backwards.
      if (!current || e.version > current.version || (e.type === 'EndpointCircuitChanged' && e.at >= current.circuit.changedAt)) {
        const next = evolve(current, e)!;
        this.endpoints.set(e.endpointId, next);
        const set = this.byProject.get(next.projectId) ?? new Set();
        set.add(e.endpointId);
        this.byProject.set(next.projectId, set);
      }
    } else if (isEventTypeEvent(e)) this.applyEventType(e);
    this.markApplied(offset === undefined ? undefined : offset + 1);
  }

  /** Records how far the endpoints topic is applied (also past records that are not ours) and wakes waiters. */
  private markApplied(nextOffset: number | undefined): void {
    if (nextOffset !== undefined) this.endpointsOffset = Math.max(this.endpointsOffset, nextOffset);
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }

  private applyAccount(e: AccountCreated | ApiKeyCreated | AccountSigningSecretRotated): void {
    if (e.type === 'AccountCreated') {
      this.accounts.set(e.accountId, {
        accountId: e.accountId, projectId: e.projectId, signingSecretEnc: e.signingSecretEnc, email: e.email, previousSecretEnc: null, previousExpiresAt: null,
      });
    } else if (e.type === 'AccountSigningSecretRotated') {
      const account = this.accounts.get(e.accountId);
      if (account) this.accounts.set(e.accountId, { ...account, signingSecretEnc: e.signingSecretEnc, previousSecretEnc: e.previousSecretEnc, previousExpiresAt: e.previousExpiresAt });
    } else {
      this.keys.set(e.keyHash, e.accountId);
    }
  }

  private applyEventType(e: EventTypeEvent): void {
    const current = this.eventTypes.get(e.eventTypeId);
    if (current && e.version <= current.version) return; // the API applied it already
    const next = evolveEventType(current, e);
    if (!next) return;
    this.eventTypes.set(e.eventTypeId, next);
    const key = `${next.projectId}/${next.definition.name}`;
    if (!next.deleted) this.eventTypeIds.set(key, next.eventTypeId);
    else if (this.eventTypeIds.get(key) === next.eventTypeId) this.eventTypeIds.delete(key);
  }

  accountByKeyHash(hash: string): AccountConfig | undefined {
    const id = this.keys.get(hash);
    return id ? this.accounts.get(id) : undefined;
  }

  account(accountId: string): AccountConfig | undefined {
    return this.accounts.get(accountId);
  }

  endpoint(endpointId: string): EndpointState | undefined {
    return this.endpoints.get(endpointId);
  }

  eventType(eventTypeId: string): EventTypeState | undefined {
    return this.eventTypes.get(eventTypeId);
  }

  /** The project's live event type of that name (with its schema), if any. */
  eventTypeByName(projectId: string, name: string): EventTypeState | undefined {
    const id = this.eventTypeIds.get(`${projectId}/${name}`);
    return id === undefined ? undefined : this.eventTypes.get(id);
  }

  /** Live endpoints of a project subscribed to `eventType`. */
  subscribers(projectId: string, eventType: string): EndpointState[] {
    const out: EndpointState[] = [];
    for (const id of this.byProject.get(projectId) ?? []) {
      const ep = this.endpoints.get(id)!;
      if (!ep.deleted && matchesEventType(ep.config.eventTypes, eventType)) out.push(ep);
    }
    return out;
  }

  /** Waits (bounded) until `ready()` holds; answers whether it does. */
  async waitUntil(ready: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!ready() && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(deadline - Date.now(), 0));
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
    return ready();
  }

  /** Starts following both topics and resolves once the history present at start is folded in. */
  async start(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    const pending = new Map<string, bigint>();
    for (const topic of [this.topics.accounts, this.topics.endpoints, this.topics.eventTypes]) {
      for (const p of await retryRetriable(() => admin.fetchTopicOffsets(topic))) {
        if (BigInt(p.high) > BigInt(p.low)) pending.set(`${topic}:${p.partition}`, BigInt(p.high));
      }
    }
    await admin.disconnect();
    let caughtUp!: () => void;
    const ready = new Promise<void>((r) => (caughtUp = r));
    if (pending.size === 0) caughtUp();
    await this.follow(pending, caughtUp);
    await ready;
  }

  /** Where this copy has read each partition up to: a restarted consumer skips what it already folded in. */
  private readonly next = new Map<string, bigint>();
  private stopping = false;

  private async follow(pending: Map<string, bigint>, caughtUp: () => void): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: `mittr-config-${randomUUID()}`, maxWaitTimeInMs: 500 });
    this.consumer = consumer;
    superviseConsumer(consumer, 'config', () => this.follow(pending, caughtUp), () => this.stopping);
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topics.accounts, this.topics.endpoints, this.topics.eventTypes], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const isEndpoints = batch.topic === this.topics.endpoints;
        const key = `${batch.topic}:${batch.partition}`;
        const from = this.next.get(key) ?? 0n;
        const { records, undecodable } = await decodeBatch(this.serde, batch);
        for (const m of records) {
          if (BigInt(m.offset) < from) continue;
          try {
            this.apply(m.event, isEndpoints ? Number(m.offset) : undefined);
          } catch (err) {
            // Every process reads these topics from the start: a record one cannot apply is
            // skipped (the projectors of the same topic set it aside where operators see it).
            console.error(`mittr config: skipped ${key}@${m.offset} (${m.event.type}): ${describeError(err)}`);
          }
        }
        for (const u of undecodable) {
          if (BigInt(u.offset) >= from) console.error(`mittr config: skipped ${key}@${u.offset} (${u.recordType ?? 'no type'}): ${describeError(u.error)}`);
        }
        const after = BigInt(batch.lastOffset()) + 1n;
        if (after > from) this.next.set(key, after);
        if (isEndpoints) this.markApplied(Number(batch.lastOffset()) + 1);
        const end = pending.get(key);
        if (end !== undefined && BigInt(batch.lastOffset()) + 1n >= end) {
          pending.delete(key);
          if (pending.size === 0) caughtUp();
        }
      },
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect();
  }
}
