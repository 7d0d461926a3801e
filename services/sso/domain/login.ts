import { DomainError } from '../../platform/domain/errors.ts';
import type { MemberAdded, UserEmailVerified, UserRegistered } from '../../accounts/domain/messages.ts';
import { domainOf, type SsoSettings } from './settings.ts';

type Role = MemberAdded['role'];

/** Why an SSO sign-in is refused: the code the login page is sent back with (`/login?error=`). */
export type SsoRefusal = 'email_not_verified' | 'domain_not_allowed' | 'sso_enforced' | 'not_member' | 'no_workspace';

/** A refused SSO sign-in: a 403 with a stable reason, never a 500. */
export class SsoRefused extends DomainError {
  readonly reason: SsoRefusal;
  constructor(reason: SsoRefusal, message: string) {
    super('FORBIDDEN', message, { reason });
    this.reason = reason;
  }
}

/** Who the provider says signed in. */
export type Identity = { email: string; emailVerified: boolean };

/** What the sign-in is decided against, folded from the log by the caller. */
export type Known = {
  user: { userId: string } | undefined;
  /** The user's workspaces, oldest membership first. */
  memberships: Array<{ accountId: string; role: Role }>;
  /** The live SSO settings of the workspace claiming the e-mail's domain, if one does. */
  claimed: SsoSettings | undefined;
  /** Whether a workspace enforces SSO for this e-mail (its members of the IdP's domains sign in through it only). */
  enforces: (accountId: string) => boolean;
  /** Whether an unknown e-mail that no workspace claims opens a new workspace (as a signup does). */
  signupAllowed: boolean;
};

/** The outcome: a session in a workspace (after these events), or a new workspace opened as a signup. */
export type SsoLogin =
  | { kind: 'session'; accountId: string; userId: string; role: Role; events: Array<UserRegistered | UserEmailVerified | MemberAdded> }
  | { kind: 'signup' };

type Deps = { now: number; newId: () => string };

/** A new user with no password (they sign in by SSO, or set one by a reset link), verified by the IdP. */
function newUser(email: string, deps: Deps): [UserRegistered, UserEmailVerified] {
  const userId = deps.newId();
  return [
    { type: 'UserRegistered', userId, email, name: '', passwordHash: '', registeredAt: deps.now },
    { type: 'UserEmailVerified', userId, verifiedAt: deps.now },
  ];
}

/** The user joins the workspace with its default role; a new user is registered first. */
function provision(email: string, known: Known, s: SsoSettings, deps: Deps): SsoLogin {
  const created = known.user ? [] : newUser(email, deps);
  const userId = known.user?.userId ?? created[0]!.userId;
  const member: MemberAdded = { type: 'MemberAdded', accountId: s.accountId, userId, role: s.defaultRole, addedAt: deps.now };
  return { kind: 'session', accountId: s.accountId, userId, role: s.defaultRole, events: [...created, member] };
}

function verified(id: Identity): string {
  if (!id.emailVerified) throw new SsoRefused('email_not_verified', 'the identity provider has not verified this e-mail');
  return id.email.trim().toLowerCase();
}

/**
 * A sign-in with Google or GitHub. A known user enters the workspace that claims their domain if
 * they are a member of it, else their oldest membership; a workspace that enforces SSO is entered
 * through its SAML IdP only. An unknown user joins the claiming workspace when it provisions, or
 * opens a new workspace as a signup does when no workspace claims the domain.
 */
export function decideSocialLogin(identity: Identity, known: Known, deps: Deps): SsoLogin {
  const email = verified(identity);
  const claimed = known.claimed && !known.claimed.removed ? known.claimed : undefined;
  const open = known.memberships.filter((m) => !known.enforces(m.accountId));
  if (known.user && known.memberships.length > 0) {
    const pick = open.find((m) => m.accountId === claimed?.accountId) ?? open[0];
    if (!pick) throw new SsoRefused('sso_enforced', 'your workspace requires its single sign-on: continue with SSO');
    return { kind: 'session', accountId: pick.accountId, userId: known.user.userId, role: pick.role, events: [] };
  }
  if (claimed) {
    if (claimed.enforced) throw new SsoRefused('sso_enforced', 'this domain\'s workspace requires its single sign-on: continue with SSO');
    if (!claimed.provisioning) throw new SsoRefused('not_member', 'you are not a member of this domain\'s workspace: ask an admin for an invitation');
    return provision(email, known, claimed, deps);
  }
  if (known.user || !known.signupAllowed) throw new SsoRefused('no_workspace', 'no workspace to sign in to: sign up or ask for an invitation');
  return { kind: 'signup' };
}

/**
 * A sign-in through a workspace's SAML IdP, into that workspace: the asserted e-mail must be of
 * one of its allowed domains (an IdP speaks for its own domains only). A non-member joins when the
 * workspace provisions.
 */
export function decideSamlLogin(identity: Identity, known: Known, target: SsoSettings, deps: Deps): SsoLogin {
  const email = verified(identity);
  const domain = domainOf(email);
  if (domain === undefined || !target.allowedDomains.includes(domain)) {
    throw new SsoRefused('domain_not_allowed', 'this identity provider may not sign in that e-mail\'s domain');
  }
  const member = known.memberships.find((m) => m.accountId === target.accountId);
  if (known.user && member) return { kind: 'session', accountId: target.accountId, userId: known.user.userId, role: member.role, events: [] };
  if (!target.provisioning) throw new SsoRefused('not_member', 'you are not a member of this workspace: ask an admin for an invitation');
  return provision(email, known, target, deps);
}
