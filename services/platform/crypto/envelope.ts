import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Envelope encryption (ARCHITECTURE, security defaults): every workspace (account) has random
 * AES-256-GCM data keys; each is kept only wrapped by a master key (MITTR_MASTER_KEY), and
 * personal fields are sealed under the account's current data key. Destroying an account's
 * wrapped keys crypto-shreds every record sealed for it, in an immutable log too.
 *
 * Everything here is node:crypto's AES-256-GCM with a random 96-bit nonce per seal; the
 * additional data binds a ciphertext to its account and its field, so a sealed value copied into
 * another account's or another field's record does not open.
 */

/** A master key and the id that names it in every wrapped data key (so the master key can rotate). */
export type MasterKey = { id: string; key: Buffer };
/** The master keys a deployment knows: the first wraps new data keys, all of them unwrap. */
export type MasterKeyRing = readonly MasterKey[];

/** A data key as kept on the log: its id, the master key that wraps it, and the wrapped bytes. */
export type WrappedDataKey = { accountId: string; keyId: string; masterKeyId: string; wrapped: Buffer; createdAt: number };

const NONCE = 12;
const TAG = 16;
/** Ids of data keys: random, so two processes issuing a key for one account at once never collide. */
const KEY_ID = 8;
/** First byte of every sealed blob, then the format version. */
const MAGIC = 0x6d;
const FORMAT = 1;
const HEADER = 2 + KEY_ID + NONCE;

export class CryptoError extends Error {}

/**
 * Random nonces, drawn from node:crypto's CSPRNG 4 KiB at a time and each used once: one
 * randomBytes(12) per seal was the largest single cost of sealing (16 % of it in a profile).
 */
const NONCE_POOL = 4096 - (4096 % NONCE);
let pool = Buffer.alloc(0);
let poolAt = NONCE_POOL;
function nonce(): Buffer {
  if (poolAt + NONCE > pool.length) {
    pool = randomBytes(NONCE_POOL);
    poolAt = 0;
  }
  const n = pool.subarray(poolAt, poolAt + NONCE);
  poolAt += NONCE;
  return n;
}

/**
 * MITTR_MASTER_KEY's value: `kid1:<base64 or hex>,kid2:<...>` (the first is current), or one bare
 * key (its id is then the first 8 characters of its SHA-256, as SecretBox names it).
 */
export function parseMasterKeys(raw: string): MasterKey[] {
  const keys = raw.split(',').map((s) => s.trim()).filter(Boolean).map((part) => {
    const colon = part.indexOf(':');
    const named = colon > 0 && /^[A-Za-z0-9_-]{1,32}$/.test(part.slice(0, colon));
    const key = decodeKey(named ? part.slice(colon + 1) : part);
    return { id: named ? part.slice(0, colon) : createHash('sha256').update(key).digest('base64url').slice(0, 8), key };
  });
  if (keys.length === 0) throw new CryptoError('MITTR_MASTER_KEY holds no key');
  if (new Set(keys.map((k) => k.id)).size !== keys.length) throw new CryptoError('MITTR_MASTER_KEY names a key id twice');
  return keys;
}

function decodeKey(raw: string): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (key.length !== 32) throw new CryptoError('each MITTR_MASTER_KEY key must be 32 bytes, base64 or hex');
  return key;
}

const wrapAad = (accountId: string, keyId: string) => Buffer.from(`mittr-data-key\0${accountId}\0${keyId}`);

/** A fresh data key for `accountId`, wrapped by the ring's current master key. */
export function issueDataKey(ring: MasterKeyRing, accountId: string, now: number): { wrapped: WrappedDataKey; key: Buffer } {
  const key = randomBytes(32);
  const keyId = randomBytes(KEY_ID).toString('hex');
  const master = ring[0]!;
  return { key, wrapped: { accountId, keyId, masterKeyId: master.id, wrapped: gcmSeal(master.key, key, wrapAad(accountId, keyId)), createdAt: now } };
}

/** The data key inside `w`; throws when the master key is unknown or the wrapping was altered. */
export function unwrapDataKey(ring: MasterKeyRing, w: WrappedDataKey): Buffer {
  const master = ring.find((m) => m.id === w.masterKeyId);
  if (!master) throw new CryptoError(`data key ${w.keyId} is wrapped by master key ${w.masterKeyId}, which MITTR_MASTER_KEY does not hold`);
  return gcmOpen(master.key, w.wrapped, wrapAad(w.accountId, w.keyId));
}

/** `w` wrapped again by the ring's current master key (a master-key rotation), same data key and id. */
export function rewrapDataKey(ring: MasterKeyRing, w: WrappedDataKey): WrappedDataKey {
  const key = unwrapDataKey(ring, w);
  return { ...w, masterKeyId: ring[0]!.id, wrapped: gcmSeal(ring[0]!.key, key, wrapAad(w.accountId, w.keyId)) };
}

const fieldAad = (accountId: string, field: string) => Buffer.from(`mittr-field\0${accountId}\0${field}`);

/**
 * `plain` sealed under data key `key` (id `keyId`) for `accountId`'s `field`:
 * magic, format, key id (8 bytes), nonce (12), ciphertext, tag (16). The key id in the header
 * says which of the account's keys opens it, so records stay readable after a rotation.
 */
export function seal(key: Buffer, keyId: string, accountId: string, field: string, plain: Buffer): Buffer {
  const iv = nonce();
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(fieldAad(accountId, field));
  const out = Buffer.allocUnsafe(HEADER + plain.length + TAG);
  out[0] = MAGIC;
  out[1] = FORMAT;
  out.write(keyId, 2, KEY_ID, 'hex');
  iv.copy(out, 2 + KEY_ID);
  let at = HEADER + cipher.update(plain).copy(out, HEADER);
  at += cipher.final().copy(out, at);
  cipher.getAuthTag().copy(out, at);
  return out;
}

/** Whether `blob` has the sealed format's header (not whether it opens). */
export function isSealed(blob: Uint8Array): boolean {
  return blob.length >= HEADER + TAG && blob[0] === MAGIC && blob[1] === FORMAT;
}

/** The id of the data key that sealed `blob`. */
export function sealedKeyId(blob: Buffer): string {
  if (!isSealed(blob)) throw new CryptoError('not a sealed value');
  return blob.toString('hex', 2, 2 + KEY_ID);
}

/** The key id in a sealed value's header, from its first bytes only (at least 10). */
export function headerKeyId(head: Buffer): string {
  if (head.length < 2 + KEY_ID || head[0] !== MAGIC || head[1] !== FORMAT) throw new CryptoError('not a sealed value');
  return head.toString('hex', 2, 2 + KEY_ID);
}

/** The plaintext of `blob`; throws when it was altered or sealed for another account or field. */
export function open(key: Buffer, accountId: string, field: string, blob: Buffer): Buffer {
  if (!isSealed(blob)) throw new CryptoError('not a sealed value');
  const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(2 + KEY_ID, HEADER));
  decipher.setAAD(fieldAad(accountId, field));
  decipher.setAuthTag(blob.subarray(blob.length - TAG));
  try {
    return Buffer.concat([decipher.update(blob.subarray(HEADER, blob.length - TAG)), decipher.final()]);
  } catch {
    throw new CryptoError(`sealed ${field} does not open for account ${accountId} (altered, or sealed for another account or field)`);
  }
}

/**
 * The blind-index key: HKDF-SHA256 of the current master key, so an e-mail address can be
 * looked up by its HMAC without being kept in clear. (Rotating the master key changes it: the
 * index is rebuilt from the log, where each address is sealed.)
 */
export function blindIndexKey(ring: MasterKeyRing): Buffer {
  return Buffer.from(hkdfSync('sha256', ring[0]!.key, Buffer.alloc(0), 'mittr-blind-index-v1', 32));
}

/** The blind index of an e-mail address: HMAC-SHA256 of its trimmed, lower-cased form. */
export function blindIndex(indexKey: Buffer, email: string): string {
  return createHmac('sha256', indexKey).update(email.trim().toLowerCase()).digest('base64url');
}

function gcmSeal(key: Buffer, plain: Buffer, aad: Buffer): Buffer {
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aad);
  return Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
}

function gcmOpen(key: Buffer, blob: Buffer, aad: Buffer): Buffer {
  if (blob.length < NONCE + TAG) throw new CryptoError('wrapped key too short');
  const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(0, NONCE));
  decipher.setAAD(aad);
  decipher.setAuthTag(blob.subarray(blob.length - TAG));
  try {
    return Buffer.concat([decipher.update(blob.subarray(NONCE, blob.length - TAG)), decipher.final()]);
  } catch {
    throw new CryptoError('wrapped data key does not open (altered, or wrapped for another account)');
  }
}
