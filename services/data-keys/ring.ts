import { ErasedError } from '../platform/crypto/erased.ts';
import { CryptoError, isSealed, open, seal, sealedKeyId, unwrapDataKey, type MasterKeyRing, type WrappedDataKey } from '../platform/crypto/envelope.ts';

/** A sealed field whose key this process has not seen yet (it may be on the log, not yet read). */
export class UnknownKeyError extends Error {
  readonly keyId: string;
  constructor(accountId: string, keyId: string) {
    super(`data key ${keyId} of account ${accountId} is not known here`);
    this.keyId = keyId;
  }
}

type AccountKeys = { keys: Map<string, Buffer>; current?: { keyId: string; createdAt: number } };

/**
 * The unwrapped data keys this process holds, by account: each key is unwrapped once, when it is
 * read from the log, so sealing and opening a field costs one AES-GCM operation and no unwrap.
 * Pure (no I/O): DataKeys (store.ts) feeds it from the data-keys topic.
 */
export class DataKeyRing {
  private readonly accounts = new Map<string, AccountKeys>();
  /** Keys seen destroyed (a tombstone) or looked for on the whole log in vain. */
  private readonly gone = new Set<string>();
  /**
   * Accounts whose last key was destroyed here: no new key is issued for them, so a record still
   * in flight (a dispatch of an event read just before the erasure) is dropped, not sealed anew.
   */
  private readonly erasedAccounts = new Set<string>();
  private readonly masters: MasterKeyRing;

  constructor(masters: MasterKeyRing) {
    this.masters = masters;
  }

  /** Adds a wrapped key (idempotent); the newest of an account's keys seals its new writes. */
  add(w: WrappedDataKey): void {
    const account: AccountKeys = this.accounts.get(w.accountId) ?? { keys: new Map() };
    this.accounts.set(w.accountId, account);
    if (!account.keys.has(w.keyId)) account.keys.set(w.keyId, unwrapDataKey(this.masters, w));
    this.gone.delete(w.keyId);
    this.erasedAccounts.delete(w.accountId);
    const c = account.current;
    if (!c || w.createdAt > c.createdAt || (w.createdAt === c.createdAt && w.keyId > c.keyId)) account.current = { keyId: w.keyId, createdAt: w.createdAt };
  }

  /** Forgets a key (its tombstone was read): what it sealed no longer opens here. */
  remove(accountId: string, keyId: string): void {
    this.gone.add(keyId);
    const account = this.accounts.get(accountId);
    if (!account) return;
    account.keys.get(keyId)?.fill(0);
    account.keys.delete(keyId);
    if (account.current?.keyId === keyId) account.current = undefined;
    if (account.keys.size === 0) {
      this.accounts.delete(accountId);
      this.erasedAccounts.add(accountId);
    }
  }

  /** Whether `accountId`'s keys were destroyed (seen by this process). */
  isErased(accountId: string): boolean {
    return this.erasedAccounts.has(accountId);
  }

  /** Marks a key as absent from the whole log (read to its end): erased, not merely late. */
  markGone(keyId: string): void {
    this.gone.add(keyId);
  }

  /** Whether `keyId` opens here: true; known destroyed: ErasedError; unknown: UnknownKeyError. */
  check(accountId: string, keyId: string): void {
    if (this.accounts.get(accountId)?.keys.has(keyId)) return;
    throw this.gone.has(keyId) ? new ErasedError(accountId, keyId) : new UnknownKeyError(accountId, keyId);
  }

  /** The ids of the keys held for `accountId`. */
  keyIds(accountId: string): string[] {
    return [...(this.accounts.get(accountId)?.keys.keys() ?? [])];
  }

  /** The id of the key new writes for `accountId` are sealed with (undefined: none, or erased). */
  currentKeyId(accountId: string): string | undefined {
    return this.erasedAccounts.has(accountId) ? undefined : this.accounts.get(accountId)?.current?.keyId;
  }

  /** Whether new writes for `accountId` have a key to be sealed with. */
  hasCurrent(accountId: string): boolean {
    return this.accounts.get(accountId)?.current !== undefined;
  }

  seal(accountId: string, field: string, plain: Buffer): Buffer {
    const account = this.accounts.get(accountId);
    const current = account?.current;
    if (this.erasedAccounts.has(accountId)) throw new ErasedError(accountId, 'any');
    if (!account || !current) throw new CryptoError(`account ${accountId} has no data key to seal ${field} with (DataKeys.ensure first)`);
    return seal(account.keys.get(current.keyId)!, current.keyId, accountId, field, plain);
  }

  /** The plaintext of a sealed field; a value not in the sealed format is answered as it is (written before sealing). */
  open(accountId: string, field: string, blob: Buffer): Buffer {
    if (!isSealed(blob)) return blob;
    const keyId = sealedKeyId(blob);
    const key = this.accounts.get(accountId)?.keys.get(keyId);
    if (key) return open(key, accountId, field, blob);
    throw this.gone.has(keyId) ? new ErasedError(accountId, keyId) : new UnknownKeyError(accountId, keyId);
  }
}
