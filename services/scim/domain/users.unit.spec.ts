import { describe, expect, it } from 'vitest';
import { DomainError } from '../../platform/domain/errors.ts';
import { readUser, type ScimUser } from './resource.ts';
import { checkIfMatch, decideDelete, decideProvision, decideReplace, type Identity } from './users.ts';

const T = 1_700_000_000_000;
const deps = { now: T, newId: (() => { let n = 0; return () => `id${++n}`; })() };
const refusal = (fn: () => unknown) => {
  try { fn(); return 'no error'; } catch (err) { return err instanceof DomainError ? `${err.code}${err.details?.scimType ? ` ${String(err.details.scimType)}` : ''}` : err; }
};
const identity = (over: Partial<Identity> = {}): Identity => ({
  members: [{ userId: 'owner', role: 'admin' }], userByEmail: () => undefined, keysOf: () => [], seats: { limit: null, used: 1 }, ...over,
});
const input = (body: Record<string, unknown>) => readUser({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], ...body });
const bea: ScimUser = {
  accountId: 'a', scimId: 's1', userId: 'u1', userName: 'bea@x.io', externalId: null, attributes: {}, active: true, role: 'editor', version: 3, created: T - 10, lastModified: T - 10,
};

describe('SCIM user decider', () => {
  it('given a new e-mail, when provisioned, then a user with an unusable password, the resource and the membership (no invitation)', () => {
    const { user, events } = decideProvision('a', [], input({ userName: 'Bea@X.io', displayName: 'Bea' }), identity(), 'unusable', { now: T, newId: () => 'n' });
    expect(events).toEqual([
      { type: 'UserRegistered', userId: 'n', email: 'bea@x.io', name: 'Bea', passwordHash: 'unusable', registeredAt: T },
      expect.objectContaining({ type: 'ScimUserProvisioned', accountId: 'a', userId: 'n', userName: 'Bea@X.io', active: true, role: 'viewer', version: 1, attributes: '{"displayName":"Bea"}' }),
      { type: 'MemberAdded', accountId: 'a', userId: 'n', role: 'viewer', addedAt: T },
    ]);
    expect(user.version).toBe(1);
  });
  it('given the e-mail of an existing member, when provisioned without roles, then linked, keeping their role, and nothing else', () => {
    const { events } = decideProvision('a', [], input({ userName: 'o@x.io' }), identity({ userByEmail: () => ({ userId: 'owner' }) }), 'h', deps);
    expect(events.map((e) => e.type)).toEqual(['ScimUserProvisioned']);
    expect(events[0]).toMatchObject({ userId: 'owner', role: 'admin' });
  });
  it('given a userName taken (in any case), or an e-mail already provisioned, when provisioned, then 409 uniqueness', () => {
    expect(refusal(() => decideProvision('a', [bea], input({ userName: 'BEA@x.io' }), identity(), 'h', deps))).toBe('CONFLICT uniqueness');
    expect(refusal(() => decideProvision('a', [bea], input({ userName: 'other', emails: [{ value: 'b@x.io' }] }), identity({ userByEmail: () => ({ userId: 'u1' }) }), 'h', deps))).toBe('CONFLICT uniqueness');
  });
  it('given an active member, when replaced with active=false, then the resource, MemberRemoved and the revocation of the keys they created', () => {
    const { user, events } = decideReplace(bea, [bea], input({ userName: 'bea@x.io', active: false }), identity({ members: [{ userId: 'owner', role: 'admin' }, { userId: 'u1', role: 'editor' }], keysOf: () => ['k1', 'k2'] }), undefined, T);
    expect(user).toMatchObject({ active: false, version: 4, lastModified: T });
    expect(events).toEqual([
      expect.objectContaining({ type: 'ScimUserUpdated', active: false, version: 4 }),
      { type: 'MemberRemoved', accountId: 'a', userId: 'u1', removedAt: T },
      { type: 'ApiKeyRevoked', accountId: 'a', keyId: 'k1', revokedAt: T },
      { type: 'ApiKeyRevoked', accountId: 'a', keyId: 'k2', revokedAt: T },
    ]);
  });
  it('given an inactive user, when reactivated, then MemberAdded with their role; a role named changes it', () => {
    const off = { ...bea, active: false };
    expect(decideReplace(off, [off], input({ userName: 'bea@x.io' }), identity(), undefined, T).events.at(-1)).toEqual({ type: 'MemberAdded', accountId: 'a', userId: 'u1', role: 'editor', addedAt: T });
    const member = identity({ members: [{ userId: 'owner', role: 'admin' }, { userId: 'u1', role: 'editor' }] });
    expect(decideReplace(bea, [bea], input({ userName: 'bea@x.io', roles: [{ value: 'viewer' }] }), member, undefined, T).events.at(-1)).toEqual({ type: 'MemberRoleChanged', accountId: 'a', userId: 'u1', role: 'viewer', changedAt: T });
  });
  it('given the plan\'s seats all taken, when provisioned or reactivated, then 402; inactive, it takes no seat', () => {
    const full = identity({ seats: { limit: 1, used: 1 } });
    expect(refusal(() => decideProvision('a', [], input({ userName: 'c@x.io' }), full, 'h', deps))).toBe('QUOTA_EXCEEDED');
    expect(refusal(() => decideReplace({ ...bea, active: false }, [], input({ userName: 'bea@x.io' }), full, undefined, T))).toBe('QUOTA_EXCEEDED');
    expect(decideProvision('a', [], input({ userName: 'c@x.io', active: false }), full, 'h', deps).events.map((e) => e.type)).toEqual(['UserRegistered', 'ScimUserProvisioned']);
  });
  it('given no change, when replaced, then nothing is appended', () => {
    expect(decideReplace(bea, [bea], input({ userName: 'bea@x.io' }), identity({ members: [{ userId: 'u1', role: 'editor' }] }), undefined, T).events).toEqual([]);
  });
  it('given the last admin, when deactivated or deleted, then 400 mutability', () => {
    const owner = { ...bea, userId: 'owner', role: 'admin' as const };
    expect(refusal(() => decideReplace(owner, [owner], input({ userName: 'bea@x.io', active: false }), identity(), undefined, T))).toBe('VALIDATION_ERROR mutability');
    expect(refusal(() => decideDelete(owner, identity(), undefined, T))).toBe('VALIDATION_ERROR mutability');
  });
  it('given a member, when deleted, then ScimUserDeleted and MemberRemoved; an inactive one, only the deletion', () => {
    const member = identity({ members: [{ userId: 'owner', role: 'admin' }, { userId: 'u1', role: 'editor' }] });
    expect(decideDelete(bea, member, 'W/"3"', T).map((e) => e.type)).toEqual(['ScimUserDeleted', 'MemberRemoved']);
    expect(decideDelete({ ...bea, active: false }, identity(), undefined, T).map((e) => e.type)).toEqual(['ScimUserDeleted']);
  });
  it('given If-Match, when it is not the current version, then 412; absent, * or the current weak or strong tag passes', () => {
    expect(refusal(() => checkIfMatch(bea, 'W/"2"'))).toBe('PRECONDITION_FAILED');
    for (const ok of [undefined, '*', 'W/"3"', '"3"', 'W/"1", W/"3"']) expect(refusal(() => checkIfMatch(bea, ok))).toBe('no error');
  });
});
