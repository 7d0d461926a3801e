import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DataKeyRing } from '../../data-keys/ring.ts';
import { FieldCipher, sealedOf, SEALED_ENTRY, SEALED_PREFIX } from '../../data-keys/fields.ts';
import { ErasedError } from './erased.ts';
import { asOnTheLog } from './originals.ts';
import {
  blindIndex, blindIndexKey, CryptoError, isSealed, issueDataKey, open, parseMasterKeys, rewrapDataKey, seal, sealedKeyId, unwrapDataKey,
} from './envelope.ts';

const T = 1_700_000_000_000;
const ring = parseMasterKeys(`k2:${randomBytes(32).toString('base64')},k1:${randomBytes(32).toString('hex')}`);

describe('master keys', () => {
  it('given kid:key pairs, the first is current and each keeps its id', () => {
    expect(ring.map((k) => k.id)).toEqual(['k2', 'k1']);
    expect(ring.every((k) => k.key.length === 32)).toBe(true);
  });

  it('given one bare key, names it by its hash as SecretBox does', () => {
    const [only] = parseMasterKeys(Buffer.alloc(32, 1).toString('base64'));
    expect(only!.id).toMatch(/^[A-Za-z0-9_-]{8}$/);
  });

  it('refuses a short key and a repeated id', () => {
    expect(() => parseMasterKeys('a:AAAA')).toThrow(CryptoError);
    const k = randomBytes(32).toString('base64');
    expect(() => parseMasterKeys(`a:${k},a:${k}`)).toThrow(/twice/);
  });
});

describe('data keys', () => {
  it('wraps a fresh key under the current master key and unwraps it again', () => {
    const { key, wrapped } = issueDataKey(ring, 'acc-1', T);
    expect(wrapped.masterKeyId).toBe('k2');
    expect(wrapped.wrapped.includes(key)).toBe(false);
    expect(unwrapDataKey(ring, wrapped).equals(key)).toBe(true);
  });

  it('does not unwrap for another account, nor altered, nor without its master key', () => {
    const { wrapped } = issueDataKey(ring, 'acc-1', T);
    expect(() => unwrapDataKey(ring, { ...wrapped, accountId: 'acc-2' })).toThrow(CryptoError);
    const altered = Buffer.from(wrapped.wrapped);
    altered[20] = altered[20]! ^ 1;
    expect(() => unwrapDataKey(ring, { ...wrapped, wrapped: altered })).toThrow(CryptoError);
    expect(() => unwrapDataKey(ring.slice(1), wrapped)).toThrow(/k2/);
  });

  it('given a master-key rotation, a key wrapped by the old one is rewrapped by the new, same key', () => {
    const old = parseMasterKeys(`k1:${ring[1]!.key.toString('base64')}`);
    const { key, wrapped } = issueDataKey(old, 'acc-1', T);
    const rewrapped = rewrapDataKey(ring, wrapped);
    expect(rewrapped.masterKeyId).toBe('k2');
    expect(unwrapDataKey(ring.slice(0, 1), rewrapped).equals(key)).toBe(true);
  });
});

describe('sealed fields', () => {
  const key = randomBytes(32);
  const keyId = '0123456789abcdef';
  const plain = Buffer.from('{"email":"ada@example.com"}');

  it('round-trips, names its key, and holds no plaintext', () => {
    const blob = seal(key, keyId, 'acc-1', 'payload', plain);
    expect(isSealed(blob)).toBe(true);
    expect(sealedKeyId(blob)).toBe(keyId);
    expect(blob.includes(Buffer.from('ada@example.com'))).toBe(false);
    expect(open(key, 'acc-1', 'payload', blob).equals(plain)).toBe(true);
  });

  it('uses a fresh nonce each time, across refills of the nonce pool', () => {
    expect(seal(key, keyId, 'acc-1', 'payload', plain).equals(seal(key, keyId, 'acc-1', 'payload', plain))).toBe(false);
    const nonces = new Set(Array.from({ length: 2_000 }, () => seal(key, keyId, 'acc-1', 'payload', plain).toString('hex', 10, 22)));
    expect(nonces.size).toBe(2_000);
  });

  it('detects tampering with the ciphertext, the tag or the nonce', () => {
    const blob = seal(key, keyId, 'acc-1', 'payload', plain);
    for (const at of [blob.length - 1, 30, 12]) {
      const bad = Buffer.from(blob);
      bad[at] = bad[at]! ^ 0x80;
      expect(() => open(key, 'acc-1', 'payload', bad)).toThrow(CryptoError);
    }
  });

  it('does not open for another account or another field (the additional data binds both)', () => {
    const blob = seal(key, keyId, 'acc-1', 'payload', plain);
    expect(() => open(key, 'acc-2', 'payload', blob)).toThrow(CryptoError);
    expect(() => open(key, 'acc-1', 'headers', blob)).toThrow(CryptoError);
  });
});

describe('a workspace key ring', () => {
  const accepted = (accountId: string) => ({
    type: 'EventAccepted', eventId: 'e1', accountId, payload: '{"marker":"m-1"}', headers: { 'X-Customer': 'Ada' }, eventType: 'order.paid',
  });

  it('seals an EventAccepted\'s payload and headers, leaves routing fields clear, and opens it back', () => {
    const r = new DataKeyRing(ring);
    r.add(issueDataKey(ring, 'acc-1', T).wrapped);
    const cipher = new FieldCipher(r);
    const event = accepted('acc-1');
    const sealed = cipher.sealEvent(event);
    expect(event.payload).toBe('{"marker":"m-1"}');
    expect(sealed.payload.startsWith(SEALED_PREFIX)).toBe(true);
    expect(Object.keys(sealed.headers)).toEqual([SEALED_ENTRY]);
    expect(JSON.stringify(sealed)).not.toContain('m-1');
    expect(JSON.stringify(sealed)).not.toContain('Ada');
    expect(sealed.eventType).toBe('order.paid');
    const opened = cipher.openEvent(structuredClone(sealed));
    expect(opened).toEqual(event);
    expect(sealedOf(opened, 'payload')).toBe(sealed.payload);
    // What a record set aside is written with: the fields as the log holds them, not in clear.
    expect(JSON.stringify(asOnTheLog(opened))).not.toContain('m-1');
    expect(asOnTheLog(opened).headers).toEqual(sealed.headers);
  });

  it('given a rotation, seals new writes with the new key and still opens what the old one sealed', () => {
    const r = new DataKeyRing(ring);
    const first = issueDataKey(ring, 'acc-1', T).wrapped;
    r.add(first);
    const cipher = new FieldCipher(r);
    const before = cipher.sealEvent(accepted('acc-1'));
    const second = issueDataKey(ring, 'acc-1', T + 1).wrapped;
    r.add(second);
    const after = cipher.sealEvent(accepted('acc-1'));
    const keyOf = (p: string) => sealedKeyId(Buffer.from(p.slice(SEALED_PREFIX.length), 'base64url'));
    expect(keyOf(before.payload)).toBe(first.keyId);
    expect(keyOf(after.payload)).toBe(second.keyId);
    expect(cipher.openEvent(structuredClone(before)).payload).toBe('{"marker":"m-1"}');
    expect(cipher.openEvent(structuredClone(after)).payload).toBe('{"marker":"m-1"}');
  });

  it('given its key destroyed, a record no longer opens: it is erased', () => {
    const r = new DataKeyRing(ring);
    const w = issueDataKey(ring, 'acc-1', T).wrapped;
    r.add(w);
    const cipher = new FieldCipher(r);
    const sealed = cipher.sealEvent(accepted('acc-1'));
    r.remove('acc-1', w.keyId);
    expect(() => cipher.openEvent(structuredClone(sealed))).toThrow(ErasedError);
    // Nothing new is sealed for it either (a dispatch still in flight is dropped, not sealed anew).
    expect(r.isErased('acc-1')).toBe(true);
    expect(() => cipher.sealEvent(accepted('acc-1'))).toThrow(ErasedError);
    expect(() => cipher.sealEvent(accepted('acc-2'))).toThrow(/no data key/);
  });

  it('leaves an empty headers map as it is (nothing to hide)', () => {
    const r = new DataKeyRing(ring);
    r.add(issueDataKey(ring, 'acc-1', T).wrapped);
    expect(new FieldCipher(r).sealEvent({ ...accepted('acc-1'), headers: {} }).headers).toEqual({});
  });

  it('writes a text it just opened, unchanged, as the same sealed value while its key is current; after a rotation, seals it anew', () => {
    const r = new DataKeyRing(ring);
    r.add(issueDataKey(ring, 'acc-1', T).wrapped);
    r.add(issueDataKey(ring, 'acc-2', T).wrapped);
    const cipher = new FieldCipher(r);
    const onTheLog = cipher.sealEvent(accepted('acc-1'));
    const read = cipher.openEvent(structuredClone(onTheLog));
    const dispatch = { type: 'DeliveryRequested', accountId: 'acc-1', payload: read.payload, headers: {} };
    expect(cipher.sealEvent(dispatch).payload).toBe(onTheLog.payload);
    expect(cipher.sealEvent({ ...dispatch, accountId: 'acc-2' }).payload).not.toBe(onTheLog.payload);
    const next = issueDataKey(ring, 'acc-1', T + 1).wrapped;
    r.add(next);
    const resealed = cipher.sealEvent(dispatch).payload;
    expect(resealed).not.toBe(onTheLog.payload);
    expect(sealedKeyId(Buffer.from(resealed.slice(SEALED_PREFIX.length), 'base64url'))).toBe(next.keyId);
  });

  it('names the key of a sealed record from its header alone, and the ring tells a held key from a destroyed one', () => {
    const r = new DataKeyRing(ring);
    const w = issueDataKey(ring, 'acc-1', T).wrapped;
    r.add(w);
    const cipher = new FieldCipher(r);
    const sealed = cipher.sealEvent(accepted('acc-1'));
    expect(cipher.keyIdOf(sealed)).toBe(w.keyId);
    expect(cipher.keyIdOf(accepted('acc-1'))).toBeUndefined();
    expect(() => r.check('acc-1', w.keyId)).not.toThrow();
    r.remove('acc-1', w.keyId);
    expect(() => r.check('acc-1', w.keyId)).toThrow(ErasedError);
  });

  it('reads a record written before sealing as it is', () => {
    const cipher = new FieldCipher(new DataKeyRing(ring));
    expect(cipher.openEvent(accepted('acc-9'))).toEqual(accepted('acc-9'));
  });

  it('does not open one account\'s sealed value in another account\'s record', () => {
    const r = new DataKeyRing(ring);
    r.add(issueDataKey(ring, 'acc-1', T).wrapped);
    r.add(issueDataKey(ring, 'acc-2', T).wrapped);
    const cipher = new FieldCipher(r);
    const stolen = { ...cipher.sealEvent(accepted('acc-2')), payload: cipher.sealEvent(accepted('acc-1')).payload };
    expect(() => cipher.openEvent(stolen)).toThrow();
  });
});

describe('blind index', () => {
  it('is the same for one address however it is cased or padded, and differs under another master key', () => {
    const k = blindIndexKey(ring);
    expect(blindIndex(k, ' Ada@Example.com ')).toBe(blindIndex(k, 'ada@example.com'));
    expect(blindIndex(blindIndexKey(ring.slice(1)), 'ada@example.com')).not.toBe(blindIndex(k, 'ada@example.com'));
  });
});
