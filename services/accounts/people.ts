import type { Role } from '../platform/http/contract.ts';
import type { AccountCreated, MemberAdded, UserRegistered } from './domain/messages.ts';

/** A user as every API process keeps it: what a login is checked against. */
export type UserConfig = { userId: string; email: string; passwordHash: string };
export type Membership = { accountId: string; userId: string; role: Role };

/**
 * Users and their memberships in workspaces, folded from the accounts topic. An account opened
 * before users existed (AccountCreated without an owner) has its e-mail and password as a user
 * whose id is the account's, admin of it: such accounts log in as they signed up.
 */
export class People {
  private readonly users = new Map<string, UserConfig>();
  private readonly byEmail = new Map<string, string>();
  /** userId → accountId → role, in the order the memberships were added. */
  private readonly memberships = new Map<string, Map<string, Role>>();

  applyAccount(e: AccountCreated): void {
    if (e.ownerUserId !== null && e.ownerUserId !== undefined) return;
    this.applyUser({ type: 'UserRegistered', userId: e.accountId, email: e.email, name: '', passwordHash: e.passwordHash, registeredAt: e.createdAt });
    this.applyMember({ type: 'MemberAdded', accountId: e.accountId, userId: e.accountId, role: 'admin', addedAt: e.createdAt });
  }

  applyUser(e: UserRegistered): void {
    if (this.byEmail.has(e.email) && this.byEmail.get(e.email) !== e.userId) return;
    this.users.set(e.userId, { userId: e.userId, email: e.email, passwordHash: e.passwordHash });
    this.byEmail.set(e.email, e.userId);
  }

  applyMember(e: MemberAdded): void {
    const of = this.memberships.get(e.userId) ?? new Map<string, Role>();
    this.memberships.set(e.userId, of);
    of.set(e.accountId, e.role);
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

  roleIn(userId: string, accountId: string): Role | undefined {
    return this.memberships.get(userId)?.get(accountId);
  }
}
