import { describe, expect, it } from 'vitest';
import { DomainError } from '../../platform/domain/errors.ts';
import { decideAccept, decideInvite, decideRemove, decideRoleChange, INVITATION_TTL_MS } from './team.ts';

const T = 1_700_000_000_000;
const deps = { now: T, newId: () => 'new' };
const codeOf = (fn: () => unknown) => { try { fn(); return 'no error'; } catch (err) { return err instanceof DomainError ? err.code : err; } };
const inv = { accountId: 'a', invitationId: 'i', email: 'b@x.io', role: 'editor' as const, tokenHash: 'h', invitedBy: 'u1', expiresAt: T + 10, createdAt: T - 10, acceptedBy: null };
const members = [{ userId: 'u1', role: 'admin' as const }, { userId: 'u2', role: 'editor' as const }];

describe('team decider', () => {
  it('given an e-mail not in the team, when invited, then InvitationCreated expiring in 7 days', () => {
    expect(decideInvite('a', { email: 'b@x.io', role: 'viewer' }, ['a@x.io'], 'h', 'u1', deps))
      .toEqual({ type: 'InvitationCreated', accountId: 'a', invitationId: 'new', email: 'b@x.io', role: 'viewer', tokenHash: 'h', invitedBy: 'u1', expiresAt: T + INVITATION_TTL_MS, createdAt: T });
  });
  it('given a member\'s e-mail or an unknown role, when invited, then CONFLICT or VALIDATION_ERROR', () => {
    expect(codeOf(() => decideInvite('a', { email: 'a@x.io', role: 'viewer' }, ['a@x.io'], 'h', null, deps))).toBe('CONFLICT');
    expect(codeOf(() => decideInvite('a', { email: 'b@x.io', role: 'owner' }, [], 'h', null, deps))).toBe('VALIDATION_ERROR');
  });
  it('given the plan\'s seats all taken, when invited, then QUOTA_EXCEEDED; unlimited seats, never', () => {
    expect(codeOf(() => decideInvite('a', { email: 'b@x.io', role: 'viewer' }, [], 'h', null, deps, { limit: 1, used: 1 }))).toBe('QUOTA_EXCEEDED');
    expect(decideInvite('a', { email: 'b@x.io', role: 'viewer' }, [], 'h', null, deps, { limit: 2, used: 1 }).type).toBe('InvitationCreated');
    expect(decideInvite('a', { email: 'b@x.io', role: 'viewer' }, [], 'h', null, deps, { limit: null, used: 99 }).type).toBe('InvitationCreated');
  });
  it('given a pending invitation and a new person, when accepted, then a user, the acceptance and the membership', () => {
    expect(decideAccept(inv, { passwordHash: 'ph', name: 'Bea' }, deps)).toEqual([
      { type: 'UserRegistered', userId: 'new', email: 'b@x.io', name: 'Bea', passwordHash: 'ph', registeredAt: T },
      { type: 'InvitationAccepted', accountId: 'a', invitationId: 'i', userId: 'new', acceptedAt: T },
      { type: 'MemberAdded', accountId: 'a', userId: 'new', role: 'editor', addedAt: T },
    ]);
  });
  it('given an existing user, when accepted, then no new user', () => {
    expect(decideAccept(inv, { userId: 'u9' }, deps).map((e) => e.type)).toEqual(['InvitationAccepted', 'MemberAdded']);
  });
  it('given a used, expired or unknown invitation, when accepted, then refused', () => {
    expect(codeOf(() => decideAccept({ ...inv, acceptedBy: 'u3' }, { userId: 'u9' }, deps))).toBe('INVALID_STATE');
    expect(codeOf(() => decideAccept({ ...inv, expiresAt: T }, { userId: 'u9' }, deps))).toBe('INVALID_STATE');
    expect(codeOf(() => decideAccept(undefined, { userId: 'u9' }, deps))).toBe('NOT_FOUND');
  });
  it('given the last admin, when demoted or removed, then INVALID_STATE; another member may be', () => {
    expect(codeOf(() => decideRoleChange('a', members, 'u1', 'editor', T))).toBe('INVALID_STATE');
    expect(codeOf(() => decideRemove('a', members, 'u1', T))).toBe('INVALID_STATE');
    expect(decideRoleChange('a', members, 'u2', 'admin', T)).toEqual([{ type: 'MemberRoleChanged', accountId: 'a', userId: 'u2', role: 'admin', changedAt: T }]);
    expect(decideRemove('a', members, 'u2', T)).toEqual({ type: 'MemberRemoved', accountId: 'a', userId: 'u2', removedAt: T });
  });
  it('given two admins, when one is demoted, then it is; the same role again changes nothing; a stranger is NOT_FOUND', () => {
    const two = [...members, { userId: 'u3', role: 'admin' as const }];
    expect(decideRoleChange('a', two, 'u1', 'viewer', T)).toHaveLength(1);
    expect(decideRoleChange('a', two, 'u2', 'editor', T)).toEqual([]);
    expect(codeOf(() => decideRemove('a', two, 'u9', T))).toBe('NOT_FOUND');
  });
});
