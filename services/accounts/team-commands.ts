import { randomUUID } from 'node:crypto';
import { DomainError } from '../platform/domain/errors.ts';
import type { ApiContext } from '../platform/http/context.ts';
import type { Credential } from '../platform/http/principal.ts';
import { hashPassword, verifyPassword } from '../platform/security/passwords.ts';
import { hashToken, newToken } from '../platform/security/secrets.ts';
import { normalizeEmail } from './domain/decide.ts';
import type { AccountMessage } from './domain/messages.ts';
import { decideAccept, decideInvite, decideRemove, decideRoleChange, invitationStatus } from './domain/team.ts';
import { loginCommands } from './login.ts';
import { appendAccounts } from './append.ts';
import { TokenUses } from './reservations.ts';
import { planOf } from '../plans/account-plan.ts';

/** The team's commands: invitations (mailed, single-use), roles, removals. */
export function teamCommands(ctx: ApiContext) {
  const uses = new TokenUses(ctx.db);
  const { open } = loginCommands(ctx);
  const people = () => ctx.store.state.accounts.people;
  const append = (accountId: string, events: AccountMessage[], release?: () => Promise<unknown>) => appendAccounts(ctx, accountId, events, { release });
  const members = (accountId: string) => people().membersOf(accountId);

  /** Invites `email` with `role` and mails the link; the token is only in the mail. */
  async function invite(accountId: string, credential: Credential, input: { email: string; role: string }) {
    const email = normalizeEmail(input.email);
    const memberEmails = members(accountId).flatMap((m) => people().user(m.userId)?.email ?? []);
    const token = newToken();
    const now = Date.now();
    const seats = { limit: planOf(ctx, accountId).limits.teamSeats, used: members(accountId).length + people().pendingInvitations(accountId, now).length };
    const event = decideInvite(accountId, { email, role: input.role }, memberEmails, token.hash, credential.userId, { now, newId: randomUUID }, seats);
    await append(accountId, [event]);
    const account = ctx.store.state.accounts.get(accountId);
    const link = `${ctx.config.publicUrl}/accept-invite?token=${token.token}`;
    await ctx.mailer.send({
      to: email, subject: `You are invited to ${account?.companyName || 'a workspace'} on mittr`, links: [link],
      text: `You are invited to join ${account?.companyName || 'a workspace'} on mittr as ${event.role}.\n\nAccept: ${link}\n\nThe link works once, for 7 days.`,
    });
    return event;
  }

  /**
   * Accepts an invitation: an existing user proves their password, a new one sets it. The link's
   * use is reserved first; the answer is a session, as after a login.
   */
  async function accept(input: { token: string; name?: string; password: string }) {
    const tokenHash = hashToken(input.token);
    const inv = people().invitationByTokenHash(tokenHash);
    // An invitation that cannot be accepted is refused before any password is checked or hashed (argon2 costs the CPU).
    if (!inv || invitationStatus(inv, Date.now()) !== 'pending') decideAccept(inv, { userId: '' }, { now: Date.now(), newId: randomUUID });
    const existing = inv ? people().userByEmail(inv.email) : undefined;
    if (existing && !(await verifyPassword(existing.passwordHash, input.password))) {
      throw new DomainError('UNAUTHORIZED', 'this e-mail has a mittr login: give its password to accept');
    }
    const user = existing ? { userId: existing.userId } : { passwordHash: await hashPassword(input.password), name: input.name ?? '' };
    const events = decideAccept(inv, user, { now: Date.now(), newId: randomUUID });
    if (!(await uses.take(tokenHash))) throw new DomainError('INVALID_STATE', 'the invitation is accepted');
    await append(inv!.accountId, events, () => uses.release(tokenHash));
    const member = events.at(-1) as Extract<AccountMessage, { type: 'MemberAdded' }>;
    return open(member.accountId, member.userId, null, member.role);
  }

  async function changeRole(accountId: string, userId: string, role: string) {
    await append(accountId, decideRoleChange(accountId, members(accountId), userId, role, Date.now()));
  }

  async function remove(accountId: string, userId: string) {
    await append(accountId, [decideRemove(accountId, members(accountId), userId, Date.now())]);
  }

  return { invite, accept, changeRole, remove };
}
