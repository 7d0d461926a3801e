import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { issueDataKey } from '../platform/crypto/envelope.ts';
import { ErasedError } from '../platform/crypto/erased.ts';
import { ACTOR_TYPES, FieldCipher, keyOwnerOf, SEALED_PREFIX, sealedOf } from './fields.ts';
import { DataKeyRing } from './ring.ts';

const masters = [{ id: 'm1', key: randomBytes(32) }];

function cipherFor(...owners: string[]): { cipher: FieldCipher; keyIds: string[] } {
  const ring = new DataKeyRing(masters);
  const keyIds = owners.map((owner) => {
    const { wrapped } = issueDataKey(masters, owner, 1);
    ring.add(wrapped);
    return wrapped.keyId;
  });
  return { cipher: new FieldCipher(ring), keyIds };
}

/** The record types whose schema has an `actor` field (schemas/<capability>/<Type>.avsc). */
function typesWithActor(): string[] {
  const root = join(import.meta.dirname, '..', '..', 'schemas');
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.avsc'))
    .filter((f) => (JSON.parse(readFileSync(join(root, f), 'utf8')) as { fields: Array<{ name: string }> }).fields.some((x) => x.name === 'actor'))
    .map((f) => f.slice(f.lastIndexOf('/') + 1, -'.avsc'.length))
    .sort();
}

describe('a record\'s client address (its actor\'s) is personal data, sealed', () => {
  it('is sealed in every record type that carries an actor, and only in those', () => {
    expect([...ACTOR_TYPES].sort()).toEqual(typesWithActor());
  });

  it('seals the address and keeps the actor\'s type and id clear; opening gives it back', () => {
    const { cipher } = cipherFor('acc_a');
    const record = { type: 'ApiKeyRevoked', accountId: 'acc_a', keyId: 'k1', actor: { type: 'user', id: 'u1', address: '203.0.113.9' } };
    const sealed = cipher.sealEvent(record);
    expect(sealed.actor.type).toBe('user');
    expect(sealed.actor.id).toBe('u1');
    expect(sealed.actor.address.startsWith(SEALED_PREFIX)).toBe(true);
    expect(JSON.stringify(sealed)).not.toContain('203.0.113.9');
    // The caller's record is left as it was.
    expect(record.actor.address).toBe('203.0.113.9');
    const opened = cipher.openEvent({ ...sealed });
    expect(opened.actor).toEqual({ type: 'user', id: 'u1', address: '203.0.113.9' });
    // The actor as the log has it, for a read model.
    expect(sealedOf(opened, 'actor').address).toBe(sealed.actor.address);
  });

  it('leaves a record without an actor, or an actor without an address, as it is', () => {
    const { cipher } = cipherFor('acc_b');
    expect(cipher.sealEvent({ type: 'ApiKeyRevoked', accountId: 'acc_b', keyId: 'k', actor: null }).actor).toBeNull();
    expect(cipher.sealEvent({ type: 'ApiKeyRevoked', accountId: 'acc_b', keyId: 'k', actor: { type: 'system', id: null, address: null } }).actor)
      .toEqual({ type: 'system', id: null, address: null });
  });

  it('seals one address once per key: every event an app server sends carries the same sealed value, until the key rotates', () => {
    const { cipher } = cipherFor('acc_c');
    const send = () => cipher.sealEvent({ type: 'EventAccepted', accountId: 'acc_c', payload: '{}', headers: {}, actor: { type: 'api_key', id: 'k', address: '198.51.100.7' } });
    const first = send().actor.address;
    expect(send().actor.address).toBe(first);
    // Another address, or another workspace's record of the same address, is sealed apart.
    const other = cipher.sealEvent({ type: 'EventAccepted', accountId: 'acc_c', payload: '{}', headers: {}, actor: { type: 'api_key', id: 'k', address: '198.51.100.8' } });
    expect(other.actor.address).not.toBe(first);
    const { wrapped } = issueDataKey(masters, 'acc_c', 2);
    cipher.ring.add(wrapped);
    expect(cipher.ring.currentKeyId('acc_c')).toBe(wrapped.keyId);
    const rotated = send().actor.address;
    expect(rotated).not.toBe(first);
    // Both open: old records stay readable after a rotation.
    expect(cipher.openText('acc_c', 'address', first, false)).toBe('198.51.100.7');
    expect(cipher.openText('acc_c', 'address', rotated, false)).toBe('198.51.100.7');
  });

  it('is not answered from what it remembers once the workspace\'s key is destroyed', () => {
    const { cipher, keyIds } = cipherFor('acc_d');
    const record = { type: 'EventAccepted', accountId: 'acc_d', payload: '{}', headers: {}, actor: { type: 'api_key', id: 'k', address: '192.0.2.1' } };
    const sealed = cipher.sealEvent(record);
    cipher.ring.remove('acc_d', keyIds[0]!);
    expect(() => cipher.sealEvent(record)).toThrow(ErasedError);
    expect(() => cipher.openText('acc_d', 'address', sealed.actor.address, false)).toThrow(ErasedError);
  });

  it('seals a user\'s own records (a verified e-mail, a changed password) under the user\'s key, not a workspace\'s', () => {
    const { cipher } = cipherFor('user_1');
    for (const type of ['UserRegistered', 'UserEmailVerified', 'UserPasswordChanged']) {
      const record = { type, userId: 'user_1', actor: { type: 'user', id: 'user_1', address: '192.0.2.44' } };
      expect(keyOwnerOf(record)).toBe('user_1');
      const sealed = cipher.sealEvent(record);
      expect(sealed.actor.address.startsWith(SEALED_PREFIX)).toBe(true);
      expect(cipher.openText('user_1', 'address', sealed.actor.address, false)).toBe('192.0.2.44');
    }
  });
});

describe('a sub-account\'s metadata is the workspace\'s customer\'s data, sealed', () => {
  it('seals definition.metadata and definition.name, and keeps its subID clear', () => {
    const { cipher } = cipherFor('acc_e');
    const definition = { name: 'Acme', subID: 'cust_1', metadata: '{"contact":"ops@acme.test"}', allowedOrigins: [] };
    const sealed = cipher.sealEvent({ type: 'SubAccountCreated', accountId: 'acc_e', subAccountId: 's1', definition });
    expect(sealed.definition.subID).toBe('cust_1');
    expect(JSON.stringify(sealed)).not.toContain('ops@acme.test');
    expect(JSON.stringify(sealed)).not.toContain('Acme');
    expect(cipher.openEvent({ ...sealed }).definition).toEqual(definition);
  });
});
