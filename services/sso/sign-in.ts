import { randomBytes, randomUUID } from 'node:crypto';
import { accountCommands } from '../accounts/commands.ts';
import { appendAccounts } from '../accounts/append.ts';
import { loginCommands, type OpenedSession } from '../accounts/login.ts';
import { AccountReservations } from '../accounts/reservations.ts';
import { DomainError } from '../platform/domain/errors.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { decideSamlLogin, decideSocialLogin, type Identity, type Known, type SsoLogin } from './domain/login.ts';
import { domainOf, type SsoSettings } from './domain/settings.ts';

/**
 * The end of every SSO flow: the verified identity is decided against the users, memberships and
 * SSO settings folded from the log, what the decision adds (a user, a membership, a workspace) is
 * appended, and a session is opened exactly as a password login opens one (loginCommands.open),
 * so the cookie is the same `mittr_session`.
 */
export function ssoSignIn(ctx: ApiContext) {
  const { open } = loginCommands(ctx);
  const { signup } = accountCommands(ctx);
  const reservations = new AccountReservations(ctx.db, ctx.config.masterKeys);
  const people = () => ctx.store.state.accounts.people;
  const sso = () => ctx.store.state.sso;
  const deps = () => ({ now: Date.now(), newId: randomUUID });

  function known(email: string): Known {
    const e = email.trim().toLowerCase();
    const user = people().userByEmail(e);
    const domain = domainOf(e);
    return {
      user, memberships: user ? people().membershipsOf(user.userId) : [], claimed: domain === undefined ? undefined : sso().claiming(domain),
      enforces: (accountId) => sso().enforces(accountId, domain), signupAllowed: ctx.config.sso.signupAllowed,
    };
  }

  async function enact(email: string, decision: SsoLogin, address: string): Promise<OpenedSession> {
    if (decision.kind === 'signup') {
      // A workspace as a signup opens it; the password is one nobody knows (a reset link sets one).
      const { account } = await signup({ email, password: randomBytes(32).toString('base64url') }, address);
      const userId = account.ownerUserId!;
      await appendAccounts(ctx, userId, [{ type: 'UserEmailVerified', userId, verifiedAt: Date.now() }]);
      return open(account.accountId, userId, null, 'admin');
    }
    const registered = decision.events.find((e) => e.type === 'UserRegistered');
    // A new user's e-mail is reserved, so two first sign-ins at once cannot both register it.
    if (registered && !(await reservations.reserveEmail(registered.email, registered.userId))) {
      throw new DomainError('CONFLICT', 'this e-mail was registered a moment ago: sign in again');
    }
    if (decision.events.length > 0) {
      await appendAccounts(ctx, decision.accountId, decision.events, {
        ids: [decision.accountId, decision.userId], release: registered ? () => reservations.releaseEmail(registered.email, registered.userId) : undefined,
      });
    }
    return open(decision.accountId, decision.userId, null, decision.role);
  }

  /** A Google or GitHub sign-in. */
  function social(identity: Identity, address: string): Promise<OpenedSession> {
    const decision = decideSocialLogin(identity, known(identity.email), deps());
    return enact(identity.email.trim().toLowerCase(), decision, address);
  }

  /** A sign-in through the workspace's SAML IdP. */
  function saml(identity: Identity, target: SsoSettings, address: string): Promise<OpenedSession> {
    const decision = decideSamlLogin(identity, known(identity.email), target, deps());
    return enact(identity.email.trim().toLowerCase(), decision, address);
  }

  return { social, saml };
}
