import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { ensureTopics, retryRetriable } from '../platform/kafka/client.ts';
import { dataKeysTopic } from './manifest.ts';
import { TYPE_HEADER, type Serde } from '../platform/kafka/serde.ts';
import { superviseConsumer } from '../platform/kafka/supervise.ts';
import { issueDataKey, type MasterKeyRing } from '../platform/crypto/envelope.ts';
import { dropStoredCipher, FieldCipher, keyOwnerOf, useStoredCipher } from './fields.ts';
import { DataKeyRing, UnknownKeyError } from './ring.ts';
import { ErasedError } from '../platform/crypto/erased.ts';
import type { DataKeyIssued } from './messages.ts';

/** How long a reader waits for the data-keys topic to be read to its end before it calls a key missing. */
const CATCH_UP_MS = 10_000;

/** When a destroy nudges the cleaner (DATA_KEYS_TOPIC_CONFIG: 10 s segments, 10 s tombstone retention, 15 s cleaner backoff). */
const NUDGES_MS = [11_000, 26_000, 41_000, 56_000, 71_000];

/** The account part of the nudges' record key: no account id is '-'. */
const ROLL_ACCOUNT = '-';

const keyOf = (accountId: string, keyId: string) => `${accountId}/${keyId}`;

/**
 * The workspaces' data keys, kept wrapped on a compacted single-partition topic (keyed
 * <accountId>/<keyId>) and folded, unwrapped, into every process's memory at boot: no key sits
 * in Postgres, and no delivery unwraps one. A new account's key is issued (and acknowledged by
 * the log) before its first sealed record is written, so a reader that misses a key reads the
 * topic to its end once: a key still missing then was destroyed, and its records are erased.
 */
export class DataKeys {
  readonly ring: DataKeyRing;
  readonly cipher: FieldCipher;
  private readonly kafka: Kafka;
  private readonly serde: Serde;
  private readonly topic: string;
  private readonly masters: MasterKeyRing;
  private producer?: Producer;
  private consumer?: Consumer;
  private applied = -1n;
  private waiters: Array<() => void> = [];
  private readonly issuing = new Map<string, Promise<void>>();
  private stopping = false;

  /** Whether records are sealed as they are written (Config.sealData); what was sealed is opened either way. */
  readonly sealing: boolean;

  constructor(kafka: Kafka, serde: Serde, topic: string, masters: MasterKeyRing, sealing = true) {
    this.sealing = sealing;
    this.kafka = kafka;
    this.serde = serde;
    this.topic = topic;
    this.masters = masters;
    this.ring = new DataKeyRing(masters);
    this.cipher = new FieldCipher(this.ring);
  }

  /** Reads the topic to its end and keeps following it; the Serde then seals and opens with these keys. */
  async start(): Promise<void> {
    // Its own topic first: a deployment from before sealing (or a rebuild) may not have it yet.
    await ensureTopics(this.kafka, [dataKeysTopic(this.topic)]);
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await this.producer.connect();
    await this.follow();
    await this.catchUp();
    this.serde.useCipher(this);
    useStoredCipher(this.cipher);
  }

  private async follow(): Promise<void> {
    const consumer = this.kafka.consumer({ groupId: `mittr-data-keys-${randomUUID()}`, maxWaitTimeInMs: 200 });
    this.consumer = consumer;
    superviseConsumer(consumer, 'data-keys', () => this.follow(), () => this.stopping);
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          if (BigInt(m.offset) <= this.applied) continue;
          const [accountId, keyId] = (m.key?.toString() ?? '').split('/');
          if (accountId === ROLL_ACCOUNT) continue; // a nudge, not a key
          if (accountId && keyId && m.value === null) this.forget(accountId, keyId);
          else if (m.value && m.headers?.[TYPE_HEADER]?.toString() === 'DataKeyIssued') {
            try {
              this.ring.add(await this.serde.decode('DataKeyIssued', m.value) as DataKeyIssued);
            } catch (err) {
              // A key this deployment's master keys cannot unwrap: its records stay sealed (reported, not fatal).
              console.error(`mittr data-keys: key ${m.key?.toString()} not usable: ${err instanceof Error ? err.message : String(err)}`);
            }
          }
        }
        this.advance(BigInt(batch.lastOffset()));
      },
    });
  }

  private advance(offset: bigint): void {
    if (offset > this.applied) this.applied = offset;
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }

  /** Waits (bounded) until every key record on the topic now is folded in. */
  async catchUp(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    const [p] = await retryRetriable(() => admin.fetchTopicOffsets(this.topic)).finally(() => admin.disconnect());
    const end = BigInt(p!.high) - 1n;
    const deadline = Date.now() + CATCH_UP_MS;
    while (this.applied < end) {
      // Worded as the failures module knows a timeout: the record waiting on it is tried again, not set aside.
      if (Date.now() > deadline) throw new Error(`data-keys: Timeout (${CATCH_UP_MS}ms) reading the topic to offset ${end}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 200);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  /** Makes sure each account has a data key to seal its new writes with (issuing one, once, where none is). */
  ensure(accountIds: Iterable<string>): Promise<void> | undefined {
    let missing: Set<string> | undefined;
    for (const a of accountIds) if (!this.ring.hasCurrent(a) && !this.ring.isErased(a)) (missing ??= new Set()).add(a);
    return missing ? Promise.all([...missing].map((a) => this.issueOnce(a))).then(() => undefined) : undefined;
  }

  private issueOnce(accountId: string): Promise<void> {
    let p = this.issuing.get(accountId);
    if (!p) {
      p = this.issue(accountId).finally(() => this.issuing.delete(accountId));
      this.issuing.set(accountId, p);
    }
    return p;
  }

  /** A new data key for `accountId`: new writes are sealed with it; what older keys sealed still opens. */
  async rotate(accountId: string): Promise<void> {
    await this.issue(accountId);
  }

  private async issue(accountId: string): Promise<void> {
    const { wrapped } = issueDataKey(this.masters, accountId, Date.now());
    const event: DataKeyIssued = { type: 'DataKeyIssued', ...wrapped };
    await this.producer!.send({
      topic: this.topic, acks: -1,
      messages: [{ key: keyOf(accountId, wrapped.keyId), value: this.serde.encode(event), headers: { [TYPE_HEADER]: event.type } }],
    });
    this.ring.add(wrapped);
  }

  /**
   * Destroys every data key of `accountId` (GDPR erasure): a tombstone for each on the log, so
   * every process forgets it as it reads the tombstone, and the log cleaner drops the wrapped key
   * and then the tombstone (the topic's settings, manifest.ts). What the keys sealed, in Kafka and
   * in Postgres, no longer opens anywhere: it is erased. Idempotent.
   */
  async destroy(accountId: string): Promise<void> {
    await this.catchUp();
    const keyIds = this.ring.keyIds(accountId);
    if (keyIds.length === 0) return;
    await this.producer!.send({ topic: this.topic, acks: -1, messages: keyIds.map((k) => ({ key: keyOf(accountId, k), value: null })) });
    for (const k of keyIds) this.forget(accountId, k);
    this.scheduleNudges();
  }

  private readonly destroyedListeners: Array<(ownerId: string) => void> = [];

  /**
   * Calls `listener` with an owner (a workspace, a user) whose last key this process saw destroyed:
   * the config store forgets an erased user's e-mail then, as a process booted afterwards would
   * (its UserRegistered no longer opens). Tombstones read at boot, before the listener, call nothing.
   */
  onDestroyed(listener: (ownerId: string) => void): void {
    this.destroyedListeners.push(listener);
  }

  private forget(ownerId: string, keyId: string): void {
    const wasErased = this.ring.isErased(ownerId);
    this.ring.remove(ownerId, keyId);
    if (wasErased || !this.ring.isErased(ownerId)) return;
    for (const l of this.destroyedListeners) {
      try { l(ownerId); } catch (err) { console.error(`mittr data-keys: a listener of ${ownerId}'s erasure failed: ${err instanceof Error ? err.message : String(err)}`); }
    }
  }

  private readonly nudges = new Set<NodeJS.Timeout>();

  /**
   * A few appends after a destroy, each one segment.ms apart or more: the first rolls the segment
   * holding the wrapped key and its tombstone (so the cleaner drops the key), the later ones roll
   * again once the tombstone's own retention has passed (so it goes too). Lost if the process
   * stops first: the next destroy's nudges clean the older ones too.
   */
  private scheduleNudges(): void {
    for (const ms of NUDGES_MS) {
      const t = setTimeout(() => {
        this.nudges.delete(t);
        this.nudgeCleaner().catch(() => undefined);
      }, ms);
      t.unref();
      this.nudges.add(t);
    }
  }

  /**
   * Rolls the topic's active segment (the cleaner never cleans it) by appending a tombstone of a
   * key no account has: once the segment.ms of the one holding a destroyed key has passed, the
   * next append closes it. `destroy` calls it on timers (scheduleNudges).
   */
  async nudgeCleaner(): Promise<void> {
    await this.producer!.send({ topic: this.topic, acks: -1, messages: [{ key: `${ROLL_ACCOUNT}/roll`, value: null }] });
  }

  /** Whether records of `type` seal fields (their account needs a data key before they are written). */
  needsKey(type: string): boolean {
    return FieldCipher.seals(type);
  }

  /** Whose data keys seal `event` (its account, or a user's own: fields.ts KEY_OWNER). */
  ownerOf(event: { type: string }): string | undefined {
    return keyOwnerOf(event);
  }

  /** Whether `event` belongs to a workspace (or user) erased here (a record to drop, not to write). */
  isErased(event: { type: string; accountId?: unknown }): boolean {
    if (!FieldCipher.seals(event.type)) return false;
    const owner = keyOwnerOf(event);
    return owner !== undefined && this.ring.isErased(owner);
  }

  /** A copy of `event` with its personal fields sealed (the Serde calls it for every record it encodes). */
  sealEvent<E extends { type: string }>(event: E): E {
    return this.cipher.sealEvent(event);
  }

  /**
   * Opens a decoded record's sealed fields in place. A key not known here is looked for once on
   * the whole topic; still missing, it is destroyed: ErasedError (the record is skipped).
   */
  openEvent<E extends { type: string }>(event: E): Promise<E> {
    return this.withKey(event, () => this.cipher.openEvent(event));
  }

  /** Opens `event`'s sealed fields in place with a key known here (UnknownKeyError otherwise, ErasedError once destroyed). */
  openKnown<E extends { type: string }>(event: E): E {
    return this.cipher.openEvent(event);
  }

  /** Throws ErasedError when the key that sealed `event` is destroyed; opens nothing (no AES operation). */
  async checkReadable(event: { type: string }): Promise<void> {
    const keyId = this.cipher.keyIdOf(event);
    const owner = keyOwnerOf(event);
    if (keyId !== undefined && owner !== undefined) await this.withKey(event, () => this.ring.check(owner, keyId));
  }

  /** Runs `use`; when it names a key not known here, once more after reading the topic to its end, then the key is destroyed. */
  private async withKey<T>(event: { type: string }, use: () => T): Promise<T> {
    try {
      return use();
    } catch (err) {
      if (!(err instanceof UnknownKeyError)) throw err;
      await this.catchUp();
      try {
        return use();
      } catch (again) {
        if (again instanceof UnknownKeyError) this.ring.markGone(again.keyId);
        throw again instanceof UnknownKeyError ? new ErasedError(keyOwnerOf(event) ?? '', again.keyId) : again;
      }
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    dropStoredCipher(this.cipher);
    for (const t of this.nudges) clearTimeout(t);
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
  }
}

