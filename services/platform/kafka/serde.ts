import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { createRequire } from 'node:module';
import type registryApiModule from '@kafkajs/confluent-schema-registry/dist/api/index.js';
import type { SchemaRegistryAPIClient } from '@kafkajs/confluent-schema-registry/dist/api/index.js';
import avro from 'avsc';
import { TimeoutMiddleware } from 'mappersmith/middleware/timeout';
import type { DomainEvent, DomainEventType } from '../../capabilities.ts';

// The registry client's REST layer, a CommonJS module required as one: an ES import of its
// `default` resolves differently under Node and under vitest's transform.
const registryApi = createRequire(import.meta.url)('@kafkajs/confluent-schema-registry/dist/api/index.js') as
  typeof registryApiModule;
const SCHEMA_DIR = join(import.meta.dirname, '..', '..', '..', 'schemas');
const NAMESPACE = 'io.mittr.events';
/** Kafka header naming the record type, so a consumer knows its reader schema before decoding. */
export const TYPE_HEADER = 'mittr-type';

/**
 * Seals the personal fields of records as they are encoded and opens them as they are decoded
 * (services/data-keys/store.ts: the workspaces' data keys). `ensure` issues the keys new writes
 * need; `openEvent` throws an error named ErasedError for a record whose key was destroyed.
 */
export type RecordCipher = {
  /** Whether records are sealed as they are written (MITTR_SEAL_DATA); sealed records are opened either way. */
  readonly sealing: boolean;
  needsKey(type: string): boolean;
  /** Whose data keys seal `event`'s fields: its accountId, or a user's id for a user's own record. */
  ownerOf(event: { type: string }): string | undefined;
  isErased(event: { type: string; accountId?: unknown }): boolean;
  ensure(accountIds: Iterable<string>): Promise<void> | undefined;
  sealEvent<E extends { type: string }>(event: E): E;
  openEvent<E extends { type: string }>(event: E): Promise<E>;
  /** Opens `event`'s sealed fields now, with a key already known here (checkReadable passed). */
  openKnown<E extends { type: string }>(event: E): E;
  /** Throws ErasedError when `event`'s key is destroyed, without opening anything. */
  checkReadable(event: { type: string }): Promise<void>;
};

type Registered = { id: number; type: avro.Type; header: Buffer };
/**
 * A middleware as the registry client declares it. Its types come from mappersmith's CommonJS
 * declarations and an ES import gets the ES ones: the same function, declared twice.
 */
type RegistryMiddleware = NonNullable<NonNullable<ConstructorParameters<typeof SchemaRegistry>[0]>['middlewares']>[number];

/**
 * Avro serde in the Confluent wire format (magic 0, 4-byte schema id, Avro body). Schemas in
 * schemas/ are registered at boot under their full record name (RecordNameStrategy), so one topic
 * carries several event types. Records written with an older schema are read through the
 * current one (Avro resolution fills added fields from their defaults).
 */
export class Serde {
  private readonly byType = new Map<string, Registered>();
  private readonly resolvers = new Map<string, avro.Resolver>();
  readonly registry: SchemaRegistry;
  /** The registry's REST resources, for registering: see `registerSubject`. */
  private readonly api: SchemaRegistryAPIClient;

  /**
   * Each registry request gives up after `timeoutMs` and is retried like a 5xx: without a timeout
   * a registry that accepted a connection and never answered held mittr's start (or a decode)
   * for ever, without a word. After the last retry the call fails with the timeout.
   */
  constructor(registryUrl: string, { timeoutMs = 10_000, retries = 5 } = {}) {
    const args = {
      host: registryUrl,
      retry: { retries, validateRetry: (r: { responseStatus: number; error(): Error | null }) => r.responseStatus >= 500 || r.error()?.name === 'TimeoutError' },
      middlewares: [TimeoutMiddleware(timeoutMs) as RegistryMiddleware],
    };
    this.registry = new SchemaRegistry(args);
    this.api = registryApi.default(args);
    this.retries = retries;
  }

  private readonly retries: number;
  private cipher?: RecordCipher;

  /** Types whose sealed fields decode opens; all when unset (see `sealedReader`). */
  private openOnly?: ReadonlySet<string>;

  /**
   * This serde, but decoding leaves the sealed fields sealed except in records of `open` (it
   * still skips a record whose key is destroyed): for the projectors, which keep those fields as
   * the log has them and so need no AES operation for them.
   */
  sealedReader(open: readonly string[]): Serde {
    const reader = Object.create(this) as Serde;
    reader.openOnly = new Set(open);
    return reader;
  }

  /**
   * Opens the sealed fields a `sealedReader` left sealed in a record it decoded (which checked
   * that their key is here): for a stream processor that reads them only now and then.
   * Throws ErasedError when the key was destroyed since.
   */
  openDecoded<E extends { type: string }>(record: E): E {
    return this.cipher?.needsKey(record.type) ? this.cipher.openKnown(record) : record;
  }

  /** From now on, personal fields are sealed when encoded and opened when decoded. */
  useCipher(cipher: RecordCipher): void {
    this.cipher = cipher;
  }

  /**
   * Issues the data keys `events` need to be encoded (a new account's first sealed record);
   * undefined when every key is there, so an append that needs none stays synchronous (in order).
   */
  prepare(events: Iterable<{ type: string; accountId?: unknown }>): Promise<void> | undefined {
    const cipher = this.cipher;
    if (!cipher?.sealing) return undefined;
    const accounts: string[] = [];
    for (const e of events) {
      const owner = cipher.needsKey(e.type) ? cipher.ownerOf(e) : undefined;
      if (owner !== undefined) accounts.push(owner);
    }
    return accounts.length > 0 ? cipher.ensure(accounts) : undefined;
  }

  /** Registers every schema (schemas/<capability>/<Type>.avsc); idempotent, the registry answers the existing id. */
  async registerAll(): Promise<void> {
    for (const file of await schemaFiles()) {
      const name = file.slice(file.lastIndexOf('/') + 1, -'.avsc'.length);
      const schema = await readFile(file, 'utf8');
      const id = await this.registerSubject(`${NAMESPACE}.${name}`, schema);
      const header = Buffer.alloc(5);
      header.writeInt32BE(id, 1);
      this.byType.set(name, { id, type: avro.Type.forSchema(JSON.parse(schema)), header });
    }
  }

  /**
   * Registers `schema` under `subject` and makes sure the subject checks BACKWARD compatibility.
   * Not the client library's `register`: on a subject it has never seen, that one registers and
   * then PUTs the subject's compatibility, and when two processes (or a process's two threads)
   * boot at once on an empty registry the second PUT is refused with 409 ('A rule named
   * COMPATIBILITY already exists') and mittr died at its first boot. Here every step tolerates a
   * peer doing the same step at the same moment: a 409 on registering is retried (the registry
   * then answers the id the peer created), a 409 on setting the rule means the peer set it. A
   * compatibility an operator set on the subject is left as it is.
   */
  private async registerSubject(subject: string, schema: string): Promise<number> {
    const id = await this.retrying(async () => {
      const response = await this.api.Subject.register({ subject, body: { schema } });
      return (response.data() as { id: number }).id;
    });
    const config = await this.api.Subject.config({ subject }).catch((error: unknown) => {
      if (statusOf(error) === 404) return undefined;
      throw error;
    });
    if (config === undefined) {
      await this.api.Subject.updateConfig({ subject, body: { compatibility: 'BACKWARD' } }).catch((error: unknown) => {
        if (statusOf(error) !== 409) throw error;
      });
    }
    return id;
  }

  /**
   * Runs a registration again while the registry answers 409 (up to 5 tries, 50-250 ms apart),
   * or fails with a 5xx or a timeout (as often as the client retries its GETs): the client's
   * retry middleware retries GETs only, and registering is a POST.
   */
  private async retrying<T>(attempt: () => Promise<T>): Promise<T> {
    for (let conflicts = 0, failures = 0; ;) {
      try {
        return await attempt();
      } catch (error) {
        const status = statusOf(error);
        // An incompatible schema is a 409 too, and stays one: after the retries it is reported.
        if (status === 409 && ++conflicts < 5) await sleep(50 * conflicts);
        else if ((isTimeout(error) || (status ?? 0) >= 500) && ++failures <= this.retries) await sleep(100 * failures);
        else throw error;
      }
    }
  }

  /** Whether `event` belongs to an erased workspace: a stream processor drops it instead of writing it. */
  erased(event: { type: string; accountId?: unknown }): boolean {
    return this.cipher?.isErased(event) ?? false;
  }

  /** Where records are written before they are copied out (grown when one does not fit). */
  private scratch = Buffer.allocUnsafe(64 * 1024);

  /**
   * The record in the wire format. Written after the header into one scratch buffer and copied
   * out once into a pooled Buffer.allocUnsafe: avsc's toBuffer zero-fills a fresh buffer and
   * Buffer.concat copied it again, 4.5 % of the API's CPU in the batch ingest profile.
   */
  encode(plain: DomainEvent): Buffer {
    const event = this.cipher?.sealing && this.cipher.needsKey(plain.type) ? this.cipher.sealEvent(plain) : plain;
    const reg = this.registered(event.type);
    for (;;) {
      reg.header.copy(this.scratch, 0);
      const end = reg.type.encode(event, this.scratch, reg.header.length);
      if (end >= 0) {
        const out = Buffer.allocUnsafe(end);
        this.scratch.copy(out, 0, 0, end);
        return out;
      }
      // A negative answer is the number of bytes missing.
      this.scratch = Buffer.allocUnsafe(Math.max(this.scratch.length * 2, this.scratch.length - end));
    }
  }

  /** Decodes a record whose type is named by the TYPE_HEADER of its message. */
  async decode(typeName: string, value: Buffer): Promise<DomainEvent> {
    const reg = this.registered(typeName);
    if (value.length < 5 || value[0] !== 0) throw new Error('not in the Confluent wire format');
    const writerId = value.readInt32BE(1);
    const body = value.subarray(5);
    // The record avsc decoded, with its type added: a spread into a fresh object copied every
    // record, 5 % of the processing thread's allocations under the e2e flood.
    const record = (writerId === reg.id
      ? reg.type.fromBuffer(body)
      : reg.type.fromBuffer(body, await this.resolverFor(typeName, reg, writerId))) as { type: string };
    record.type = typeName;
    if (this.cipher?.needsKey(typeName)) {
      if (!this.openOnly || this.openOnly.has(typeName)) await this.cipher.openEvent(record);
      else await this.cipher.checkReadable(record);
    }
    return record as DomainEvent;
  }

  private async resolverFor(typeName: string, reg: Registered, writerId: number): Promise<avro.Resolver> {
    const key = `${typeName}:${writerId}`;
    let resolver = this.resolvers.get(key);
    if (!resolver) {
      const writer = (await this.registry.getSchema(writerId)) as unknown as avro.Type;
      resolver = reg.type.createResolver(writer);
      this.resolvers.set(key, resolver);
    }
    return resolver;
  }

  private registered(typeName: string): Registered {
    const reg = this.byType.get(typeName as DomainEventType);
    if (!reg) throw new Error(`unknown or unregistered event type ${typeName}`);
    return reg;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The client reports a request that timed out as a 400 whose message says 'Timeout (N ms)'. */
const isTimeout = (error: unknown) => error instanceof Error && /Timeout \(\d+ms\)/.test(error.message);

/** The HTTP status the registry client's error carries, if any. */
function statusOf(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'status' in error && typeof error.status === 'number' ? error.status : undefined;
}

/** Every event's schema file: schemas/<capability>/<Type>.avsc. */
export async function schemaFiles(): Promise<string[]> {
  const rooms = await readdir(SCHEMA_DIR, { withFileTypes: true });
  const files = await Promise.all(rooms.filter((d) => d.isDirectory()).map(async (d) =>
    (await readdir(join(SCHEMA_DIR, d.name))).filter((f) => f.endsWith('.avsc')).sort().map((f) => join(SCHEMA_DIR, d.name, f))));
  return files.flat();
}
