import { LRUCache } from 'lru-cache';
import { headerKeyId, isSealed, sealedKeyId } from '../platform/crypto/envelope.ts';
import { keepSealed } from '../platform/crypto/originals.ts';
import type { DataKeyRing } from './ring.ts';

/**
 * Which fields of which records hold personal or customer data, and so are sealed under the
 * account's data key before they are written to the log (the Serde does it, for every producer),
 * and opened when read. Identifiers, types, timestamps and routing fields stay clear.
 *
 * A field of a nested record is named by its path ('definition.name', one level), a field of the
 * records of an array by its path through the array ('destinations[].url': each element's), and
 * bound in the additional data by its own name ('name', 'url'), as a read model's view names it.
 * A string field is written as SEALED_PREFIX + base64url(blob); a map as one entry
 * { [SEALED_ENTRY]: <sealed JSON of the map> }, so the schemas stay as they are; a bytes field
 * as the blob itself. Values written before sealing began are read as they are.
 */
const STRING = 'string';
const MAP = 'map';
const BYTES = 'bytes';
type Kind = typeof STRING | typeof MAP | typeof BYTES;

const RECORD_FIELDS: Readonly<Record<string, Readonly<Record<string, Kind>>>> = {
  // A destination URL, like an endpoint's, can hold credentials (user:pass@, ?token=): every
  // record a delivery writes carries one (a direct event's destination, its edit, a replay's
  // targets, the routing's destinations, each dispatch, attempt and poll message).
  EventAccepted: { payload: STRING, headers: MAP, destination: STRING },
  EventEdited: { payload: STRING, headers: MAP, destination: STRING },
  // A replay carries the (edited) payload and headers the router fans out again, and its targets' URLs.
  EventReplayed: { payload: STRING, headers: MAP, destination: STRING, 'targets[].url': STRING },
  EventRouted: { 'destinations[].url': STRING },
  DeliveryRequested: { payload: STRING, headers: MAP, url: STRING },
  DeliveryAttempted: { responseBody: STRING, url: STRING },
  DeliveryQueuedForPoll: { payload: STRING, headers: MAP, url: STRING },
  // Its URL's query string is the provider's (a credential verified there is redacted first, services/inbound/receive.ts).
  InboundRequestReceived: { headers: MAP, body: BYTES, url: STRING },
  // People's e-mail addresses and names. A company name is sealed too: a workspace is often a
  // sole trader or a person's own (signup offers the e-mail's local part as its name), so it is
  // personal data as often as not, and nothing searches or indexes it.
  AccountCreated: { email: STRING, companyName: STRING },
  AccountOnboarded: { companyName: STRING },
  UserRegistered: { email: STRING, name: STRING },
  InvitationCreated: { email: STRING },
  // A SCIM User's userName is its e-mail address as often as not; attributes hold its name and e-mails.
  ScimUserProvisioned: { userName: STRING, externalId: STRING, attributes: STRING },
  ScimUserUpdated: { userName: STRING, externalId: STRING, attributes: STRING },
  // A sub-account is the workspace's customer: its name is a person's or a company's (its subID,
  // the workspace's own id for it, stays clear: it is reserved and looked up by).
  // Its metadata is whatever the workspace keeps of its customer (a contact, a billing id).
  SubAccountCreated: { 'definition.name': STRING, 'definition.metadata': STRING },
  SubAccountUpdated: { 'definition.name': STRING, 'definition.metadata': STRING },
  // An endpoint's destination URL can hold credentials (user:pass@, ?token=) and its custom
  // headers an Authorization: the only records that carry the configuration on the endpoints topic.
  EndpointCreated: { 'config.url': STRING, 'config.customHeaders': MAP },
  EndpointUpdated: { 'config.url': STRING, 'config.customHeaders': MAP },
};

/**
 * The records that say who made them (an Actor: a user, an API key or the system) and from which
 * client address: an IP address is personal data (it names a person's connection as surely as an
 * e-mail address), so it is sealed like one. Its type and id stay clear: the audit log filters by
 * them, and an id is an identifier. services/data-keys/actors.unit.spec.ts checks that every
 * schema with an actor is here.
 */
export const ACTOR_TYPES: readonly string[] = [
  'AccountCreated', 'AccountOnboarded', 'AccountSigningSecretRotated', 'AlertRuleCreated', 'AlertRuleDeleted', 'AlertRuleUpdated',
  'ApiKeyCreated', 'ApiKeyRevoked', 'ConnectorCreated', 'ConnectorDeleted', 'ConnectorUpdated', 'EndpointCreated', 'EndpointDeleted',
  'EndpointMtlsConfigured', 'EndpointMtlsRemoved', 'EndpointPaused', 'EndpointResumed', 'EndpointSecretRotated', 'EndpointUpdated',
  'EventAccepted', 'EventEdited', 'EventReplayed', 'EventTypeCreated', 'EventTypeDeleted', 'EventTypeUpdated', 'InboundEndpointCreated',
  'InboundEndpointDeleted', 'InboundEndpointUpdated', 'InvitationAccepted', 'InvitationCreated', 'MemberAdded', 'MemberRemoved',
  'MemberRoleChanged', 'ProjectCreated', 'ProjectDeleted', 'ProjectUpdated', 'ScimTokenIssued', 'ScimTokenRevoked', 'ScimUserDeleted',
  'ScimUserProvisioned', 'ScimUserUpdated', 'SsoConfigured', 'SsoRemoved', 'SubAccountCreated', 'SubAccountDeactivated',
  'SubAccountSessionIssued', 'SubAccountSessionsRevoked', 'SubAccountUpdated', 'SubscriptionCancelScheduled', 'SubscriptionChangeScheduled',
  'SubscriptionEnded', 'SubscriptionInvoicePaid', 'SubscriptionPaymentFailed', 'SubscriptionPlanChanged', 'SubscriptionRenewed',
  'SubscriptionResumed', 'SubscriptionScheduledChangeCanceled', 'SubscriptionStarted', 'UserEmailVerified', 'UserPasswordChanged', 'UserRegistered',
];

/** The address of a record's actor, named by its path; bound in the additional data as 'address'. */
export const ACTOR_ADDRESS = 'actor.address';

export const SEALED_FIELDS: Readonly<Record<string, Readonly<Record<string, Kind>>>> = (() => {
  const out: Record<string, Record<string, Kind>> = {};
  for (const [type, fields] of Object.entries(RECORD_FIELDS)) out[type] = { ...fields };
  for (const type of ACTOR_TYPES) out[type] = { ...out[type], [ACTOR_ADDRESS]: STRING };
  return out;
})();

/**
 * Whose data key seals a record's fields: the field of the record naming it, `accountId` unless
 * said here. A user is nobody's workspace's: one login can be a member of several workspaces
 * (UserRegistered carries no accountId), so the user's e-mail and name are sealed under a data
 * key of the user's own, owned by the user id (ids are UUIDs, never an account's), and so is the
 * client address of the user's own records (a verified e-mail, a changed password). Erasing a
 * workspace destroys the keys of the users it leaves in no workspace (services/gdpr/commands.ts):
 * a member of another workspace keeps a login there, and so keeps the e-mail that login is.
 * Sealing it under the workspace that registered the user would have erased the login of every
 * other workspace it belongs to with that one.
 */
const KEY_OWNER: Readonly<Record<string, string>> = { UserRegistered: 'userId', UserEmailVerified: 'userId', UserPasswordChanged: 'userId' };

/** The id whose data keys seal `event`'s fields (undefined: the record names none). */
export function keyOwnerOf(event: { type: string }): string | undefined {
  const owner = (event as unknown as Record<string, unknown>)[KEY_OWNER[event.type] ?? 'accountId'];
  return typeof owner === 'string' ? owner : undefined;
}

export const SEALED_PREFIX = 'mittr:sealed:';

/**
 * Fields whose short texts (SEALED_ONCE_MAX characters at most) are sealed once per account, key
 * and text, and that sealed value written again for the same text (FieldCipher.sealedOnce): a
 * client address repeats across every record an app server causes, and a receiver answers most
 * deliveries with the same few bytes ("OK", {"received":true}: an AES operation per attempt
 * otherwise, 2.7 % of the processing thread in a sealed e2e profile). Two records with one such
 * value then carry the same sealed value, which tells a reader of the log (who sees the records'
 * ids and times anyway) only that the two are equal, never what they are.
 */
const SEALED_ONCE: ReadonlySet<string> = new Set(['address', 'responseBody']);
const SEALED_ONCE_MAX = 256;

/**
 * Records a stream processor writes with fields it may have carried over still sealed: the router
 * copies an event's payload and headers into each DeliveryRequested and opens them only when a
 * filter or a FIFO key reads them (services/events/router.ts); it copies a direct event's
 * destination and a replay's targets' URLs, which it never reads, into the dispatches' url and
 * the routing's destinations unopened. A value already sealed is written as it is: it came from
 * the same account's record, and its additional data binds it to that account and to the field's
 * name, which the two records share ('url': a destination is bound as one, AAD_ALIAS).
 */
const CARRIED_SEALED: ReadonlySet<string> = new Set(['DeliveryRequested', 'EventRouted']);

/** The id of the key that sealed a field's value (undefined: the value is not sealed). */
function keyIdOfValue(kind: Kind, v: unknown): string | undefined {
  if (kind === BYTES) return isSealed(v as Buffer) ? sealedKeyId(v as Buffer) : undefined;
  const text = kind === MAP ? (v as Record<string, string>)[SEALED_ENTRY] : v as string;
  return text?.startsWith(SEALED_PREFIX) ? headerKeyId(Buffer.from(text.slice(SEALED_PREFIX.length, SEALED_PREFIX.length + 16), 'base64url')) : undefined;
}

/** Whether `v` is a field value in its sealed form (a prefixed string, or a map of one sealed entry). */
function alreadySealed(kind: Kind, v: unknown): boolean {
  if (kind === STRING) return (v as string).startsWith(SEALED_PREFIX);
  return kind === MAP && typeof (v as Record<string, unknown>)[SEALED_ENTRY] === 'string';
}

/**
 * The record types whose sealed fields the projectors' serde opens (Serde.sealedReader): the
 * read models keep the others' as the log has them, at no AES cost. The audit log names an
 * edit's headers (its destination is stored as the log has it all the same: sealedOf).
 */
export const PROJECTION_OPENS: readonly string[] = ['EventEdited'];
export const SEALED_ENTRY = 'mittr-sealed';

/**
 * What a cipher remembers of the texts it sealed or opened lately (FieldCipher.recent, .opened):
 * at most this many entries and this many characters (text and sealed value) in each map, and
 * no text longer than RECENT_TEXT_MAX: a webhook payload of a few hundred bytes is reused, while a
 * process reading large payloads (a GDPR export of thousands of them) keeps no copies of them.
 */
const RECENT_TEXTS = 4096;
const RECENT_CHARS = 2 * 1024 * 1024;
const RECENT_TEXT_MAX = 16 * 1024;

/**
 * Fields (by the name their additional data binds) whose texts a cipher remembers when it seals
 * them, not only when it opens them: a URL is written again and again, once per event sent to it
 * (the API's direct events to one destination, an endpoint's dispatches once its opened URL left
 * the cache, a connector's target). The same text then gets the same sealed value, which a reader
 * that opened it once (the engine) opens from its cache: no AES operation per dispatch. Payloads
 * are not: a text sealed once would only push the reused ones out.
 */
const REMEMBERED_WHEN_SEALED: ReadonlySet<string> = new Set(['url']);

/**
 * A map of the latest entries, bounded in count and in characters (least recently used out
 * first). An LRU cache evicts in constant time: a Map trimmed by deleting its oldest key slows
 * down as deleted slots pile up at its front (Recent.set was 2.5 % of the processing thread
 * in a sealed e2e profile).
 */
export class Recent<V extends NonNullable<unknown>> {
  private readonly cache: LRUCache<string, V>;

  constructor(maxEntries = RECENT_TEXTS, maxChars = RECENT_CHARS) {
    this.cache = new LRUCache<string, V>({ max: maxEntries, maxSize: maxChars });
  }

  get(key: string): V | undefined {
    return this.cache.get(key);
  }

  /** Remembers `value` under `key`, `size` characters in all, forgetting the least recent beyond the bounds. */
  set(key: string, value: V, size: number): void {
    this.cache.set(key, value, { size: Math.max(1, size) });
  }
}

export { sealedOf } from '../platform/crypto/originals.ts';

/**
 * Fields bound in the additional data under another field's name. A direct event's destination
 * is the URL its dispatches and attempts are sent to: bound as 'url', the router carries it sealed
 * into them (CARRIED_SEALED) and the engine's cache opens it as theirs. A query may still name it
 * 'destination' (openStoredText maps the name).
 */
const AAD_ALIAS: Readonly<Record<string, string>> = { destination: 'url' };

/**
 * The field name the additional data binds (with the account): the field, not its record type, so
 * a read model can keep one column from two types (EventAccepted's and EventEdited's payload).
 */
function aadOf(field: string): string {
  const name = field.slice(field.lastIndexOf('.') + 1);
  return AAD_ALIAS[name] ?? name;
}

/**
 * A sealed field of a record type, parsed once: its top-level field (kept sealed for `sealedOf`),
 * the field of the nested record ('definition.name') or of each record of an array
 * ('destinations[].url') it names, and the name its additional data binds.
 */
type Spec = { kind: Kind; top: string; sub: string | null; each: boolean; aad: string };

function specOf(field: string, kind: Kind): Spec {
  const m = /^(\w+)(\[\])?(?:\.(\w+))?$/.exec(field);
  if (!m || (m[2] !== undefined && m[3] === undefined)) throw new Error(`sealed field ${field}: a field, a record's (a.b) or an array's records' (a[].b)`);
  return { kind, top: m[1]!, sub: m[3] ?? null, each: m[2] !== undefined, aad: aadOf(field) };
}

const SPECS: ReadonlyMap<string, readonly Spec[]> = new Map(Object.entries(SEALED_FIELDS).map(([type, fields]) =>
  [type, Object.entries(fields).map(([field, kind]) => specOf(field, kind))]));

type Rec = Record<string, unknown> & { type: string };
type Fields = Record<string, unknown>;

/**
 * A field of a record, of a record nested in it ('definition.name': one level down), or of each
 * record of an array ('destinations[].url': an array of the elements' values; null or undefined
 * when there is no array).
 */
function fieldOf(e: Rec, s: Spec): unknown {
  const parent = e[s.top];
  if (s.sub === null) return parent;
  const sub = s.sub;
  if (s.each) return (parent as Array<Fields | null> | null | undefined)?.map((x) => x?.[sub]);
  return (parent as Fields | null | undefined)?.[sub];
}

/**
 * Sets a field (for an array path, `v` holds each element's value, in order). A nested one
 * replaces its parent by a copy, an array's by a new array of copies of its records, so the
 * parent the caller (or `kept`) holds is unchanged.
 */
function setField(e: Rec, s: Spec, v: unknown): void {
  const sub = s.sub;
  if (sub === null) { e[s.top] = v; return; }
  if (s.each) {
    const values = v as unknown[];
    e[s.top] = (e[s.top] as Array<Fields | null>).map((x, i) => (x === null ? x : { ...x, [sub]: values[i] }));
    return;
  }
  e[s.top] = { ...(e[s.top] as Fields), [sub]: v };
}

/** Nothing to seal or open in it: absent, null, or an array path over an empty array. */
const nothingIn = (s: Spec, v: unknown) => v === null || v === undefined || (s.each && (v as unknown[]).length === 0);

/**
 * The ciphers of this thread's DataKeys, the latest started last: read-model queries open with
 * the latest still running. A thread runs one mittr, but a spec may start a second beside it and
 * stop it: the first one's queries then open with the first one's keys again, not the stopped one's
 * (which no longer follows the topic, and misses every key issued since).
 */
const threadCiphers: FieldCipher[] = [];
export function useStoredCipher(cipher: FieldCipher): void {
  threadCiphers.push(cipher);
}

/** `cipher`'s DataKeys stopped: queries open with the one started before it. */
export function dropStoredCipher(cipher: FieldCipher): void {
  const at = threadCiphers.lastIndexOf(cipher);
  if (at >= 0) threadCiphers.splice(at, 1);
}

function stored(): FieldCipher {
  const cipher = threadCiphers.at(-1);
  if (!cipher) throw new Error('no data keys in this thread (DataKeys.start first)');
  return cipher;
}

/**
 * A string a read model kept sealed (`sealedOf`), opened; a value never sealed is answered as it
 * is. `field` is the record's field name ('url', 'destination'). Throws ErasedError.
 */
export function openStoredText(accountId: string, field: string, v: string): string {
  // A query's value is not remembered: nothing seals it again, and a GDPR export opens thousands.
  return v.startsWith(SEALED_PREFIX) ? stored().openText(accountId, aadOf(field), v, false) : v;
}

/** A map (headers) a read model kept sealed, opened. */
export function openStoredMap(accountId: string, field: string, v: Record<string, string>): Record<string, string> {
  const sealed = v[SEALED_ENTRY];
  return sealed === undefined ? v : JSON.parse(stored().openText(accountId, aadOf(field), sealed, false)) as Record<string, string>;
}

/** Bytes (a request body) a read model kept sealed, opened. */
export function openStoredBytes(accountId: string, field: string, v: Buffer): Buffer {
  return isSealed(v) ? stored().ring.open(accountId, aadOf(field), v) : v;
}

/** Seals and opens the SEALED_FIELDS of records with an account's data keys (a DataKeyRing). */
export class FieldCipher {
  readonly ring: DataKeyRing;
  constructor(ring: DataKeyRing) {
    this.ring = ring;
  }

  /** Whether records of `type` have sealed fields (so their account needs a data key to be written). */
  static seals(type: string): boolean {
    return SEALED_FIELDS[type] !== undefined;
  }

  /**
   * A copy of `event` with its sealed fields sealed (the caller's object is left as it is: a
   * nested record or an array of records it holds is copied, not written into).
   */
  sealEvent<E extends { type: string }>(event: E): E {
    const specs = SPECS.get(event.type);
    if (!specs) return event;
    const e = event as unknown as Rec;
    const owner = keyOwnerOf(e)!;
    const out: Rec = { ...e };
    const carried = CARRIED_SEALED.has(e.type);
    const seal = (s: Spec, v: unknown) => (v === null || v === undefined || (carried && alreadySealed(s.kind, v)) ? v : this.sealValue(owner, s.aad, s.kind, v));
    for (const s of specs) {
      const v = fieldOf(e, s);
      if (nothingIn(s, v)) continue;
      if (s.each) setField(out, s, (v as unknown[]).map((x) => seal(s, x)));
      else if (!(carried && alreadySealed(s.kind, v))) setField(out, s, this.sealValue(owner, s.aad, s.kind, v));
    }
    return out as unknown as E;
  }

  /** Opens `event`'s sealed fields in place, keeping the sealed values for `sealedOf`. Throws ErasedError / UnknownKeyError. */
  openEvent<E extends { type: string }>(event: E): E {
    const specs = SPECS.get(event.type);
    if (!specs) return event;
    const e = event as unknown as Rec;
    const owner = keyOwnerOf(e)!;
    const kept: Record<string, unknown> = {};
    for (const s of specs) {
      const v = fieldOf(e, s);
      if (nothingIn(s, v)) continue;
      // The top-level value as the log has it: setField replaces it (or its parent) by a copy.
      if (!(s.top in kept)) kept[s.top] = e[s.top];
      setField(e, s, s.each
        ? (v as unknown[]).map((x) => (x === null || x === undefined ? x : this.openValue(owner, s.aad, s.kind, x)))
        : this.openValue(owner, s.aad, s.kind, v));
    }
    keepSealed(event, kept);
    return event;
  }

  /** The id of the key that sealed `event`'s first sealed field (undefined: nothing in it is sealed). */
  keyIdOf(event: { type: string }): string | undefined {
    const e = event as unknown as Rec;
    for (const s of SPECS.get(event.type) ?? []) {
      const v = fieldOf(e, s);
      if (nothingIn(s, v)) continue;
      if (!s.each) {
        const id = keyIdOfValue(s.kind, v);
        if (id !== undefined) return id;
        continue;
      }
      for (const x of v as unknown[]) {
        const id = x === null || x === undefined ? undefined : keyIdOfValue(s.kind, x);
        if (id !== undefined) return id;
      }
    }
    return undefined;
  }

  private sealValue(accountId: string, field: string, kind: Kind, v: unknown): unknown {
    if (kind === BYTES) return this.ring.seal(accountId, field, v as Buffer);
    // Nothing to hide in an empty map or string (most events carry no headers): one AES op less.
    if (kind === MAP ? Object.keys(v as object).length === 0 : v === '') return v;
    // A map is sealed as its JSON text, so a map read and written unchanged (the router's copy of
    // an event's headers into each dispatch) is reused like a string: one AES op less per dispatch.
    const text = kind === MAP ? JSON.stringify(v) : v as string;
    const sealed = this.reused(accountId, field, text) ?? (SEALED_ONCE.has(field) && text.length <= SEALED_ONCE_MAX ? this.sealedOnce(accountId, field, text) : this.sealText(accountId, field, text));
    return kind === MAP ? { [SEALED_ENTRY]: sealed } : sealed;
  }

  /**
   * The sealed values of short texts written again and again (SEALED_ONCE: the client address
   * of every event an app server sends, a receiver's usual answer), by account, field and text:
   * sealed once per key, not once per record.
   */
  private readonly sealedTexts = new Recent<{ keyId: string | undefined; sealed: string }>(1024, 256 * 1024);

  private sealedOnce(accountId: string, field: string, text: string): string {
    const at = `${accountId}\n${field}\n${text}`;
    const keyId = this.ring.currentKeyId(accountId);
    const hit = this.sealedTexts.get(at);
    if (hit && keyId !== undefined && hit.keyId === keyId) return hit.sealed;
    const sealed = this.sealText(accountId, field, text);
    this.sealedTexts.set(at, { keyId, sealed }, at.length + sealed.length);
    return sealed;
  }

  private sealText(accountId: string, field: string, text: string): string {
    const blob = this.ring.seal(accountId, field, Buffer.from(text, 'utf8'));
    const sealed = SEALED_PREFIX + blob.toString('base64url');
    if (REMEMBERED_WHEN_SEALED.has(field)) this.keep(accountId, field, text, sealed, sealedKeyId(blob));
    return sealed;
  }

  /**
   * Texts this cipher opened lately (and the URLs it sealed: REMEMBERED_WHEN_SEALED), with the
   * sealed value they came from: a stream processor that writes a text it read unchanged (the
   * router's dispatches of an untransformed payload, one per destination; the engine's attempts
   * of a dispatch's URL) writes the same sealed value again instead of sealing anew, while the
   * key that sealed it is still the account's current one.
   */
  private readonly recent = new Recent<{ accountId: string; field: string; keyId: string; sealed: string }>();

  private reused(accountId: string, field: string, text: string): string | undefined {
    const hit = this.recent.get(text);
    if (!hit || hit.accountId !== accountId || hit.field !== field || hit.keyId !== this.ring.currentKeyId(accountId)) return undefined;
    return hit.sealed;
  }

  private remember(accountId: string, field: string, text: string, sealed: string, keyId: string): void {
    if (text.length > RECENT_TEXT_MAX) return;
    this.recent.set(text, { accountId, field, keyId, sealed }, text.length + sealed.length);
  }

  private openValue(accountId: string, field: string, kind: Kind, v: unknown): unknown {
    if (kind === BYTES) return this.ring.open(accountId, field, v as Buffer);
    if (kind === MAP) {
      const sealed = (v as Record<string, string>)[SEALED_ENTRY];
      return sealed === undefined ? v : JSON.parse(this.openText(accountId, field, sealed)) as unknown;
    }
    return this.openText(accountId, field, v as string);
  }

  /**
   * Sealed values this cipher opened lately, with their text: a record a stream processor read
   * and wrote on unchanged (EventAccepted's payload, reused in the router's DeliveryRequested) is
   * opened once per process, not once per hop; the engine's open of the dispatch was half of
   * sealing's cost in the e2e profile. A hit is answered only while its key still opens here
   * (ring.check), so an erasure still makes it unreadable.
   */
  private readonly opened = new Recent<{ accountId: string; field: string; keyId: string; text: string }>();

  /**
   * A sealed string field's text (a value without the sealed prefix is answered as it is).
   * `remember`: keep it for the next open and for a write of it unchanged (a stream processor's
   * hop); a read model's query (openStoredText) answers it once and keeps nothing.
   */
  openText(accountId: string, field: string, v: string, remember = true): string {
    if (!v.startsWith(SEALED_PREFIX)) return v;
    const hit = this.opened.get(v);
    if (hit && hit.accountId === accountId && hit.field === field) {
      this.ring.check(accountId, hit.keyId);
      return hit.text;
    }
    const blob = Buffer.from(v.slice(SEALED_PREFIX.length), 'base64url');
    const text = this.ring.open(accountId, field, blob).toString('utf8');
    if (remember) this.keep(accountId, field, text, v, sealedKeyId(blob));
    return text;
  }

  /** Remembers a text with its sealed value both ways: for a write of it unchanged (`reused`), and for the next open of it. */
  private keep(accountId: string, field: string, text: string, sealed: string, keyId: string): void {
    this.remember(accountId, field, text, sealed, keyId);
    if (text.length <= RECENT_TEXT_MAX) this.opened.set(sealed, { accountId, field, keyId, text }, text.length + sealed.length);
  }
}

/**
 * A payload for a json column: the payload as received when it was never sealed, else the
 * sealed string as a JSON string; `openPayloadColumn` reads the column back (as slonik parses json).
 */
export const payloadColumn = (payload: string): string => (payload.startsWith(SEALED_PREFIX) ? JSON.stringify(payload) : payload);

export function openPayloadColumn(accountId: string, stored: unknown): unknown {
  return typeof stored === 'string' && stored.startsWith(SEALED_PREFIX) ? JSON.parse(openStoredText(accountId, 'payload', stored)) as unknown : stored;
}
