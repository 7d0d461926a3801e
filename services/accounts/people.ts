import type { Role } from '../platform/domain/roles.ts';
import type { AccountCreated, EmailTokenIssued, InvitationCreated, PeopleMessage } from './domain/messages.ts';

/** A user as every API process keeps it: what a login is checked against. */
export type UserConfig = { userId: string; email: string; passwordHash: string; emailVerified: boolean };
export type Membership = { accountId: string; userId: string; role: Role };
export type Invitation = Omit<InvitationCreated, 'type'> & { acceptedBy: string | null };
export type EmailToken = Omit<EmailTokenIssued, 'type'> & { used: boolean };

/**
 * Users, memberships, invitations and e-mail tokens, folded from the accounts topic. An account
 * opened before users existed (AccountCreated without an owner) has its e-mail and password as a
 * user whose id is the account's, admin of it: such accounts log in as they signed up.
 */
export class People {
  private readonly users = new Map<string, UserConfig>();
  private readonly byEmail = new Map<string, string>();
  /** userId → accountId → role, in the order the memberships were added. */
  private readonly memberships = new Map<string, Map<string, Role>>();
  private readonly invitations = new Map<string, Invitation>();
  private readonly invitationByToken = new Map<string, string>();
  private readonly tokens = new Map<string, EmailToken>();

  applyAccount(e: AccountCreated): void {
    if (e.ownerUserId !== null && e.ownerUserId !== undefined) return;
    this.apply({ type: 'UserRegistered', userId: e.accountId, email: e.email, name: '', passwordHash: e.passwordHash, registeredAt: e.createdAt });
    this.apply({ type: 'MemberAdded', accountId: e.accountId, userId: e.accountId, role: 'admin', addedAt: e.createdAt });
  }

  apply(e: PeopleMessage): void {
    switch (e.type) {
      case 'UserRegistered':
        if (this.byEmail.has(e.email) && this.byEmail.get(e.email) !== e.userId) return;
        this.users.set(e.userId, { userId: e.userId, email: e.email, passwordHash: e.passwordHash, emailVerified: this.users.get(e.userId)?.emailVerified ?? false });
        this.byEmail.set(e.email, e.userId);
        return;
      case 'MemberAdded':
      case 'MemberRoleChanged': {
        const of = this.memberships.get(e.userId) ?? new Map<string, Role>();
        this.memberships.set(e.userId, of);
        // A role change for a member who has left changes nothing.
        if (e.type === 'MemberAdded' || of.has(e.accountId)) of.set(e.accountId, e.role);
        return;
      }
      case 'MemberRemoved':
        this.memberships.get(e.userId)?.delete(e.accountId);
        return;
      case 'InvitationCreated':
        if (this.invitations.has(e.invitationId)) return;
        this.invitations.set(e.invitationId, { ...withoutType(e), acceptedBy: null });
        this.invitationByToken.set(e.tokenHash, e.invitationId);
        return;
      case 'InvitationAccepted': {
        const inv = this.invitations.get(e.invitationId);
        if (inv && inv.acceptedBy === null) inv.acceptedBy = e.userId;
        return;
      }
      case 'EmailTokenIssued':
        if (!this.tokens.has(e.tokenHash)) this.tokens.set(e.tokenHash, { ...withoutType(e), used: false });
        return;
      case 'UserEmailVerified': {
        const user = this.users.get(e.userId);
        if (user) user.emailVerified = true;
        this.useTokens(e.userId, 'verify');
        return;
      }
      case 'UserPasswordChanged': {
        const user = this.users.get(e.userId);
        if (user) user.passwordHash = e.passwordHash;
        this.useTokens(e.userId, 'reset');
        return;
      }
    }
  }

  /**
   * Forgets a user whose own data key was destroyed (an erasure left them in no workspace): their
   * e-mail is free again, as it is for a process booted afterwards, which cannot open their
   * UserRegistered. Their memberships stay, as ids of erased workspaces. Not a user: nothing.
   */
  forget(userId: string): void {
    const user = this.users.get(userId);
    if (!user) return;
    this.users.delete(userId);
    if (this.byEmail.get(user.email) === userId) this.byEmail.delete(user.email);
  }

  /** A change uses up every outstanding link of its kind for that user (a reset link works once). */
  private useTokens(userId: string, purpose: EmailToken['purpose']): void {
    for (const t of this.tokens.values()) if (t.userId === userId && t.purpose === purpose) t.used = true;
  }

  userByEmail(email: string): UserConfig | undefined {
    const id = this.byEmail.get(email);
    return id === undefined ? undefined : this.users.get(id);
  }

  user(userId: string): UserConfig | undefined {
    return this.users.get(userId);
  }

  /** The user's workspaces with the role held in each, oldest membership first. */
  membershipsOf(userId: string): Membership[] {
    return [...(this.memberships.get(userId) ?? new Map<string, Role>())].map(([accountId, role]) => ({ accountId, userId, role }));
  }

  /** A workspace's members (a scan: workspaces are few per process, and this serves team decisions, not requests). */
  membersOf(accountId: string): Membership[] {
    const out: Membership[] = [];
    for (const [userId, of] of this.memberships) { const role = of.get(accountId); if (role) out.push({ accountId, userId, role }); }
    return out;
  }

  roleIn(userId: string, accountId: string): Role | undefined {
    return this.memberships.get(userId)?.get(accountId);
  }

  invitationByTokenHash(hash: string): Invitation | undefined {
    const id = this.invitationByToken.get(hash);
    return id === undefined ? undefined : this.invitations.get(id);
  }

  pendingInvitations(accountId: string, now: number): Invitation[] {
    return [...this.invitations.values()].filter((i) => i.accountId === accountId && i.acceptedBy === null && i.expiresAt > now);
  }

  emailToken(hash: string): EmailToken | undefined {
    return this.tokens.get(hash);
  }
}

function withoutType<T extends { type: string }>(e: T): Omit<T, 'type'> {
  const { type: _type, ...rest } = e;
  return rest;
}
