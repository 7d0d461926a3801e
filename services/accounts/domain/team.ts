import { DomainError } from '../../platform/domain/errors.ts';
import { ROLES, type Role } from '../../platform/domain/roles.ts';
import type { InvitationAccepted, InvitationCreated, MemberAdded, MemberRemoved, MemberRoleChanged, UserRegistered } from './messages.ts';

/** How long an invitation link works. */
export const INVITATION_TTL_MS = 7 * 86_400_000;
type Member = { userId: string; role: Role };
type Deps = { now: number; newId: () => string };

function assertRole(role: string): asserts role is Role {
  if (!(ROLES as readonly string[]).includes(role)) throw new DomainError('VALIDATION_ERROR', `role must be one of ${ROLES.join(', ')}`);
}

/**
 * Invites an e-mail address with a role; someone already a member is not invited again, and the
 * plan's seats (members and pending invitations; null: unlimited) are not exceeded.
 */
export function decideInvite(
  accountId: string, input: { email: string; role: string }, memberEmails: readonly string[], tokenHash: string, invitedBy: string | null, deps: Deps,
  seats: { limit: number | null; used: number } = { limit: null, used: 0 },
): InvitationCreated {
  assertRole(input.role);
  if (memberEmails.includes(input.email)) throw new DomainError('CONFLICT', `${input.email} is already a member`);
  if (seats.limit !== null && seats.used >= seats.limit) {
    throw new DomainError('QUOTA_EXCEEDED', `the plan allows ${seats.limit} team seat${seats.limit === 1 ? '' : 's'}, all taken (members and pending invitations)`);
  }
  return {
    type: 'InvitationCreated', accountId, invitationId: deps.newId(), email: input.email, role: input.role, tokenHash,
    invitedBy, expiresAt: deps.now + INVITATION_TTL_MS, createdAt: deps.now,
  };
}

/** Where an invitation stands. */
export function invitationStatus(inv: { acceptedBy: string | null; expiresAt: number }, now: number): 'pending' | 'accepted' | 'expired' {
  return inv.acceptedBy !== null ? 'accepted' : inv.expiresAt <= now ? 'expired' : 'pending';
}

/**
 * Accepts an invitation: a new user is registered with the password given (an existing one has
 * proved theirs), and becomes a member with the invited role. A link works once, until it expires.
 */
export function decideAccept(
  inv: (Omit<InvitationCreated, 'type'> & { acceptedBy: string | null }) | undefined,
  user: { userId: string } | { passwordHash: string; name: string },
  deps: Deps,
): [...UserRegistered[], InvitationAccepted, MemberAdded] {
  if (!inv) throw new DomainError('NOT_FOUND', 'invitation not found');
  const status = invitationStatus(inv, deps.now);
  if (status !== 'pending') throw new DomainError('INVALID_STATE', `the invitation is ${status}`);
  const registered: UserRegistered[] = 'userId' in user ? [] : [{
    type: 'UserRegistered', userId: deps.newId(), email: inv.email, name: user.name, passwordHash: user.passwordHash, registeredAt: deps.now,
  }];
  const userId = 'userId' in user ? user.userId : registered[0]!.userId;
  return [
    ...registered,
    { type: 'InvitationAccepted', accountId: inv.accountId, invitationId: inv.invitationId, userId, acceptedAt: deps.now },
    { type: 'MemberAdded', accountId: inv.accountId, userId, role: inv.role, addedAt: deps.now },
  ];
}

const admins = (members: readonly Member[]) => members.filter((m) => m.role === 'admin');

/** Changes a member's role; the last admin keeps theirs. The same role again changes nothing. */
export function decideRoleChange(accountId: string, members: readonly Member[], userId: string, role: string, now: number): MemberRoleChanged[] {
  assertRole(role);
  const member = members.find((m) => m.userId === userId);
  if (!member) throw new DomainError('NOT_FOUND', 'member not found');
  if (member.role === role) return [];
  if (member.role === 'admin' && admins(members).length === 1) throw new DomainError('INVALID_STATE', 'the last admin cannot be demoted');
  return [{ type: 'MemberRoleChanged', accountId, userId, role, changedAt: now }];
}

/** Removes a member; the last admin stays. */
export function decideRemove(accountId: string, members: readonly Member[], userId: string, now: number): MemberRemoved {
  const member = members.find((m) => m.userId === userId);
  if (!member) throw new DomainError('NOT_FOUND', 'member not found');
  if (member.role === 'admin' && admins(members).length === 1) throw new DomainError('INVALID_STATE', 'the last admin cannot be removed');
  return { type: 'MemberRemoved', accountId, userId, removedAt: now };
}
