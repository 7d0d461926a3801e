import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { issueDataKey } from '../platform/crypto/envelope.ts';
import { ErasedError } from '../platform/crypto/erased.ts';
import { FieldCipher, keyOwnerOf, openStoredText, Recent, SEALED_PREFIX, sealedOf, useStoredCipher } from './fields.ts';
import { DataKeyRing } from './ring.ts';

const masters = [{ id: 'm1', key: randomBytes(32) }];

function cipherFor(accountId: string): { cipher: FieldCipher; keyId: string } {
  const ring = new DataKeyRing(masters);
  const { wrapped } = issueDataKey(masters, accountId, 1);
  ring.add(wrapped);
  return { cipher: new FieldCipher(ring), keyId: wrapped.keyId };
}

describe('FieldCipher opens a value read again (a dispatch of the event it came from) once', () => {
  it('answers the same text for the same sealed value, and the router writes the sealed value it read', () => {
    const { cipher } = cipherFor('acc_a');
    const sealed = cipher.sealEvent({ type: 'EventAccepted', accountId: 'acc_a', payload: '{"n":1}', headers: {} });
    const read = cipher.openEvent({ ...sealed });
    const dispatch = cipher.sealEvent({ type: 'DeliveryRequested', accountId: 'acc_a', payload: read.payload, headers: {} });
    expect(dispatch.payload).toBe(sealed.payload);
    expect(cipher.openEvent({ ...dispatch }).payload).toBe('{"n":1}');
  });

  it('does not answer a remembered text once the key is destroyed (erasure)', () => {
    const { cipher, keyId } = cipherFor('acc_b');
    const sealed = cipher.sealEvent({ type: 'DeliveryRequested', accountId: 'acc_b', payload: 'secret', headers: {} });
    expect(cipher.openText('acc_b', 'payload', sealed.payload)).toBe('secret');
    cipher.ring.remove('acc_b', keyId);
    expect(() => cipher.openText('acc_b', 'payload', sealed.payload)).toThrow(ErasedError);
  });

  it('does not answer a remembered text for another account or field', () => {
    const { cipher } = cipherFor('acc_c');
    const sealed = cipher.sealEvent({ type: 'DeliveryRequested', accountId: 'acc_c', payload: 'secret', headers: {} });
    expect(cipher.openText('acc_c', 'payload', sealed.payload)).toBe('secret');
    expect(() => cipher.openText('acc_d', 'payload', sealed.payload)).toThrow();
    expect(() => cipher.openText('acc_c', 'responseBody', sealed.payload)).toThrow();
  });
});

describe('what a cipher remembers (Recent)', () => {
  it('keeps at most its count and its characters, forgetting the oldest first', () => {
    const r = new Recent<number>(3, 100);
    for (let i = 0; i < 5; i++) r.set(`k${i}`, i, 10);
    expect([0, 1, 2, 3, 4].map((i) => r.get(`k${i}`))).toEqual([undefined, undefined, 2, 3, 4]);
    r.set('big', 9, 80);
    // 10 + 10 + 80 = 100 fits; one more character does not, and the oldest go until it does.
    expect([r.get('k2'), r.get('k3'), r.get('k4'), r.get('big')]).toEqual([undefined, 3, 4, 9]);
    r.set('bigger', 8, 95);
    expect([r.get('k3'), r.get('k4'), r.get('big'), r.get('bigger')]).toEqual([undefined, undefined, undefined, 8]);
  });
});

describe('whose key seals a record (keyOwnerOf)', () => {
  it('is the account for a workspace\'s records and the user for a user\'s own (a user belongs to several workspaces)', () => {
    expect(keyOwnerOf({ type: 'InvitationCreated', accountId: 'acc_1', email: 'a@example.test' } as { type: string })).toBe('acc_1');
    expect(keyOwnerOf({ type: 'UserRegistered', userId: 'usr_1', email: 'a@example.test' } as { type: string })).toBe('usr_1');
    // A user's own records (their actor's address is sealed) are the user's too.
    expect(keyOwnerOf({ type: 'UserEmailVerified', userId: 'usr_1' } as { type: string })).toBe('usr_1');
    expect(keyOwnerOf({ type: 'UserPasswordChanged', userId: 'usr_1' } as { type: string })).toBe('usr_1');
    // A record naming no account and no owner of its own: nobody's.
    expect(keyOwnerOf({ type: 'SomethingElse', userId: 'usr_1' } as { type: string })).toBeUndefined();
  });

  it('seals a user\'s e-mail and name under the user\'s key: it opens there, and no longer once that key is destroyed', () => {
    const { cipher, keyId } = cipherFor('usr_2');
    const sealed = cipher.sealEvent({ type: 'UserRegistered', userId: 'usr_2', email: 'ada@example.test', name: 'Ada', passwordHash: 'h', registeredAt: 1 });
    expect([sealed.email.startsWith(SEALED_PREFIX), sealed.name.startsWith(SEALED_PREFIX), sealed.passwordHash]).toEqual([true, true, 'h']);
    expect(cipher.openEvent({ ...sealed })).toMatchObject({ email: 'ada@example.test', name: 'Ada' });
    cipher.ring.remove('usr_2', keyId);
    expect(() => cipher.openEvent({ ...sealed })).toThrow(ErasedError);
  });

  it('leaves a SCIM User\'s absent externalId absent', () => {
    const { cipher } = cipherFor('acc_3');
    const sealed = cipher.sealEvent({ type: 'ScimUserProvisioned', accountId: 'acc_3', userName: 'ada@example.test', externalId: null, attributes: '{}' });
    expect(sealed.externalId).toBeNull();
    expect(cipher.openEvent({ ...sealed })).toMatchObject({ userName: 'ada@example.test', attributes: '{}' });
  });
});

describe('a nested field (a sub-account\'s definition.name)', () => {
  it('is sealed in a copy of its parent, opened in place, and the sealed parent is kept for sealedOf', () => {
    const { cipher } = cipherFor('acc_4');
    const definition = { name: 'Grace Hopper', subID: 'cust-1', metadata: '{}', allowedOrigins: [] };
    const sealed = cipher.sealEvent({ type: 'SubAccountCreated', accountId: 'acc_4', definition });
    expect(definition.name).toBe('Grace Hopper');
    expect(sealed.definition.name.startsWith(SEALED_PREFIX)).toBe(true);
    expect(sealed.definition.subID).toBe('cust-1');
    const read = cipher.openEvent({ ...sealed });
    expect(read.definition).toEqual(definition);
    expect(sealedOf(read, 'definition')).toEqual(sealed.definition);
    expect(cipher.keyIdOf(sealed)).toBeDefined();
  });
});

describe('a dispatch carries its event\'s payload on still sealed (the router did not open it)', () => {
  it('writes a sealed payload and headers as they are, and they open as the event\'s', () => {
    const { cipher } = cipherFor('acc_e');
    const sealed = cipher.sealEvent({ type: 'EventAccepted', accountId: 'acc_e', payload: '{"n":2}', headers: { a: 'b' } });
    const dispatch = cipher.sealEvent({ type: 'DeliveryRequested', accountId: 'acc_e', payload: sealed.payload, headers: sealed.headers });
    expect(dispatch.payload).toBe(sealed.payload);
    expect(dispatch.headers).toEqual(sealed.headers);
    const opened = cipher.openEvent({ ...dispatch });
    expect([opened.payload, opened.headers]).toEqual(['{"n":2}', { a: 'b' }]);
  });

  it('seals a clear payload of a dispatch, and carries nothing sealed on in any other record', () => {
    const { cipher } = cipherFor('acc_f');
    const dispatch = cipher.sealEvent({ type: 'DeliveryRequested', accountId: 'acc_f', payload: '{"n":3}', headers: {} });
    expect(dispatch.payload.startsWith(SEALED_PREFIX)).toBe(true);
    // A receiver's answer that looks sealed is sealed again, never stored as it came.
    const attempt = cipher.sealEvent({ type: 'DeliveryAttempted', accountId: 'acc_f', responseBody: dispatch.payload });
    expect(attempt.responseBody).not.toBe(dispatch.payload);
    expect(cipher.openEvent({ ...attempt }).responseBody).toBe(dispatch.payload);
  });
});

describe('a receiver\'s usual answer is sealed once per key', () => {
  it('writes one sealed value for the same short response body, and seals a long one anew each time', () => {
    const { cipher } = cipherFor('acc_r');
    const attempt = (responseBody: string) => cipher.sealEvent({ type: 'DeliveryAttempted', accountId: 'acc_r', responseBody }).responseBody;
    const ok = attempt('OK');
    expect(ok.startsWith(SEALED_PREFIX)).toBe(true);
    expect(attempt('OK')).toBe(ok);
    expect(cipher.openText('acc_r', 'responseBody', ok, false)).toBe('OK');
    const long = 'x'.repeat(1000);
    expect(attempt(long)).not.toBe(attempt(long));
    // Another workspace's same answer is its own.
    const other = cipherFor('acc_s').cipher.sealEvent({ type: 'DeliveryAttempted', accountId: 'acc_s', responseBody: 'OK' }).responseBody;
    expect(other).not.toBe(ok);
  });
});

describe('a field of each record of an array (a routing\'s destinations[].url, a replay\'s targets[].url)', () => {
  const routed = () => ({
    type: 'EventRouted', eventId: 'e1', accountId: 'acc_g', projectId: 'p1', routedAt: 1,
    destinations: [{ dispatchId: 'd1', endpointId: 'ep1', url: 'https://a.example/hook?token=t1' }, { dispatchId: 'd2', endpointId: null, url: 'https://user:pw@b.example/' }],
  });

  it('is sealed element by element in copies, opened in place, and the sealed array is kept for sealedOf', () => {
    const { cipher } = cipherFor('acc_g');
    const event = routed();
    const elements = [...event.destinations];
    const sealed = cipher.sealEvent(event);
    // The caller's record, its array and its elements are as they were.
    expect(event).toEqual(routed());
    expect(event.destinations.every((d, i) => d === elements[i])).toBe(true);
    expect(sealed.destinations).not.toBe(event.destinations);
    expect(sealed.destinations.map((d) => d.url.startsWith(SEALED_PREFIX))).toEqual([true, true]);
    expect(sealed.destinations.map((d) => [d.dispatchId, d.endpointId])).toEqual([['d1', 'ep1'], ['d2', null]]);
    expect(cipher.keyIdOf(sealed)).toBeDefined();
    const read = cipher.openEvent({ ...sealed });
    expect(read.destinations).toEqual(routed().destinations);
    expect(sealedOf(read, 'destinations')).toBe(sealed.destinations);
    expect(sealed.destinations.every((d) => d.url.startsWith(SEALED_PREFIX))).toBe(true);
  });

  it('leaves an empty array as it is, and nothing in it to read a key from', () => {
    const { cipher } = cipherFor('acc_g');
    const empty = { ...routed(), destinations: [] };
    const sealed = cipher.sealEvent(empty);
    expect(sealed.destinations).toEqual([]);
    expect(cipher.keyIdOf(sealed)).toBeUndefined();
    expect(cipher.openEvent({ ...sealed }).destinations).toEqual([]);
  });

  it('seals a replay\'s destination and targets, leaves a null destination null, and opens both', () => {
    const { cipher } = cipherFor('acc_h');
    const replay = { type: 'EventReplayed', accountId: 'acc_h', eventId: 'e2', payload: '{}', headers: {}, destination: null as string | null,
      targets: [{ endpointId: 'ep1', url: 'https://a.example/1?key=k' }] };
    const sealed = cipher.sealEvent(replay);
    expect(sealed.destination).toBeNull();
    expect(sealed.targets[0]!.url.startsWith(SEALED_PREFIX)).toBe(true);
    expect(replay.targets[0]!.url).toBe('https://a.example/1?key=k');
    expect(cipher.openEvent({ ...sealed })).toMatchObject({ destination: null, targets: [{ endpointId: 'ep1', url: 'https://a.example/1?key=k' }] });
    const direct = cipher.sealEvent({ ...replay, destination: 'https://c.example/?key=k', targets: [{ endpointId: null, url: 'https://c.example/?key=k' }] });
    expect(direct.destination.startsWith(SEALED_PREFIX)).toBe(true);
    expect(cipher.openEvent({ ...direct })).toMatchObject({ destination: 'https://c.example/?key=k', targets: [{ endpointId: null, url: 'https://c.example/?key=k' }] });
  });
});

describe('a direct event\'s destination is carried sealed by the router into its routing and dispatch', () => {
  it('opens as their url, and a query opens it named destination or url', () => {
    const { cipher } = cipherFor('acc_i');
    const destination = 'https://user:secret@d.example/hook?token=t';
    const accepted = cipher.sealEvent({ type: 'EventAccepted', accountId: 'acc_i', payload: '{}', headers: {}, destination });
    expect(accepted.destination.startsWith(SEALED_PREFIX)).toBe(true);
    // The router reads it sealed, and copies it unopened beside an endpoint's clear URL.
    const routing = cipher.sealEvent({ type: 'EventRouted', accountId: 'acc_i', destinations: [{ dispatchId: 'd1', endpointId: null, url: accepted.destination }, { dispatchId: 'd2', endpointId: 'ep', url: 'https://e.example/' }] });
    expect(routing.destinations[0]!.url).toBe(accepted.destination);
    expect(routing.destinations[1]!.url.startsWith(SEALED_PREFIX)).toBe(true);
    const dispatch = cipher.sealEvent({ type: 'DeliveryRequested', accountId: 'acc_i', payload: accepted.payload, headers: {}, url: accepted.destination });
    expect(dispatch.url).toBe(accepted.destination);
    expect(cipher.openEvent({ ...dispatch }).url).toBe(destination);
    expect(cipher.openEvent({ ...routing }).destinations.map((d) => d.url)).toEqual([destination, 'https://e.example/']);
    useStoredCipher(cipher);
    expect(openStoredText('acc_i', 'destination', accepted.destination)).toBe(destination);
    expect(openStoredText('acc_i', 'url', routing.destinations[0]!.url)).toBe(destination);
    expect(openStoredText('acc_i', 'url', 'https://never-sealed.example/')).toBe('https://never-sealed.example/');
  });

  it('is sealed again (not carried) in a record no processor carries sealed fields into: an attempt', () => {
    const { cipher } = cipherFor('acc_j');
    const dispatch = cipher.sealEvent({ type: 'DeliveryRequested', accountId: 'acc_j', payload: '{}', headers: {}, url: 'https://f.example/' });
    // A URL that looks sealed (a transformation's answer) is sealed as any text, never stored as it came.
    const attempt = cipher.sealEvent({ type: 'DeliveryAttempted', accountId: 'acc_j', responseBody: '', url: dispatch.url });
    expect(attempt.url).not.toBe(dispatch.url);
    expect(cipher.openEvent({ ...attempt }).url).toBe(dispatch.url);
  });
});

describe('a URL sealed or opened once costs no AES operation at the next hop', () => {
  it('seals the same URL text to the same value, which the engine\'s open and its attempt reuse', () => {
    const { cipher } = cipherFor('acc_k');
    const seal = vi.spyOn(cipher.ring, 'seal');
    const open = vi.spyOn(cipher.ring, 'open');
    const url = 'https://g.example/hook?token=t';
    const first = cipher.sealEvent({ type: 'EventAccepted', accountId: 'acc_k', payload: '', headers: {}, destination: url });
    const second = cipher.sealEvent({ type: 'EventAccepted', accountId: 'acc_k', payload: '', headers: {}, destination: url });
    expect(second.destination).toBe(first.destination);
    expect(seal).toHaveBeenCalledTimes(1);
    // The engine reads the dispatch (the router carried the destination) and records its attempt to the URL.
    const read = cipher.openEvent({ type: 'DeliveryRequested', accountId: 'acc_k', payload: '', headers: {}, url: first.destination });
    expect(read.url).toBe(url);
    const attempt = cipher.sealEvent({ type: 'DeliveryAttempted', accountId: 'acc_k', responseBody: '', url: read.url });
    expect(attempt.url).toBe(first.destination);
    expect([seal.mock.calls.length, open.mock.calls.length]).toEqual([1, 0]);
  });

  it('no longer opens a remembered sealed URL once its key is destroyed (erasure)', () => {
    const { cipher, keyId } = cipherFor('acc_l');
    const sealed = cipher.sealEvent({ type: 'DeliveryAttempted', accountId: 'acc_l', responseBody: '', url: 'https://h.example/' });
    cipher.ring.remove('acc_l', keyId);
    expect(() => cipher.openEvent({ ...sealed })).toThrow(ErasedError);
  });
});
