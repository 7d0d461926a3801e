import type { ApiContext } from '../platform/http/context.ts';
import { hashPassword } from '../platform/security/passwords.ts';
import { hashToken, newToken } from '../platform/security/secrets.ts';
import { normalizeEmail } from './domain/decide.ts';
import { decideResetPassword, decideVerifyEmail, issueEmailToken } from './domain/email-tokens.ts';
import type { AccountMessage } from './domain/messages.ts';
import { appendAccounts } from './append.ts';
import { TokenUses } from './reservations.ts';
import { Sessions } from './sessions.ts';

/** The e-mail flows: verifying an address, resetting a password. Each link works once, until it expires. */
export function emailCommands(ctx: ApiContext) {
  const uses = new TokenUses(ctx.db);
  const sessions = new Sessions(ctx.db);
  const people = () => ctx.store.state.accounts.people;

  const append = (userId: string, event: AccountMessage, release?: () => Promise<unknown>) => appendAccounts(ctx, userId, [event], { release });

  /** Mails a link of `purpose` to a user. */
  async function mailLink(userId: string, email: string, purpose: 'verify' | 'reset') {
    const token = newToken();
    await append(userId, issueEmailToken(userId, purpose, token.hash, Date.now()));
    const link = `${ctx.config.publicUrl}/${purpose === 'verify' ? 'verify-email' : 'reset-password'}?token=${token.token}`;
    await ctx.mailer.send(purpose === 'verify'
      ? { to: email, subject: 'Verify your e-mail address for mittr', links: [link], text: `Confirm that ${email} is yours:\n\n${link}\n\nThe link works once, for 48 hours.` }
      : { to: email, subject: 'Reset your mittr password', links: [link], text: `Someone asked to reset the password of ${email} on mittr. If it was you:\n\n${link}\n\nThe link works once, for an hour. If it was not you, ignore this mail.` });
  }

  async function verify(token: string) {
    const hash = hashToken(token);
    const event = decideVerifyEmail(people().emailToken(hash), Date.now());
    if (!(await uses.take(hash))) decideVerifyEmail(undefined, Date.now());
    await append(event.userId, event, () => uses.release(hash));
  }

  /** Mails a reset link when the address has a login; says nothing either way. */
  async function forgot(email: string) {
    const user = people().userByEmail(normalizeEmail(email));
    if (user) await mailLink(user.userId, user.email, 'reset');
  }

  /** Sets the new password and ends every session of the user. */
  async function reset(token: string, newPassword: string) {
    const hash = hashToken(token);
    const link = people().emailToken(hash);
    // A link that does not work is refused before the password is hashed: argon2 costs the CPU.
    decideResetPassword(link, '', Date.now());
    const event = decideResetPassword(link, await hashPassword(newPassword), Date.now());
    if (!(await uses.take(hash))) decideResetPassword(undefined, '', Date.now());
    await append(event.userId, event, () => uses.release(hash));
    await sessions.revokeUser(event.userId);
  }

  return { mailLink, verify, forgot, reset };
}
