import { randomUUID } from 'node:crypto';
import { DomainError } from '../platform/domain/errors.ts';
import type { Role } from '../platform/domain/roles.ts';
import type { ApiContext } from '../platform/http/context.ts';
import type { Credential, Principal } from '../platform/http/principal.ts';
import { hashPassword, verifyPassword } from '../platform/security/passwords.ts';
import { hashToken, newToken } from '../platform/security/secrets.ts';
import { normalizeEmail } from './domain/decide.ts';
import { LoginThrottle } from './throttles.ts';
import { Sessions } from './sessions.ts';

/** How long a session lasts from its login. */
export const SESSION_TTL_MS = 7 * 86_400_000;

/** A session as it is opened: the cookie's token (shown once; only its hash is kept) and the CSRF token. */
export type OpenedSession = { token: string; csrfToken: string; expiresAt: number; accountId: string; userId: string | null; role: Role };
/** A live session as a request authenticated by its cookie sees it. */
export type LiveSession = { id: string; principal: Principal; credential: Credential; csrfToken: string; expiresAt: number };

/**
 * Logins and sessions. A password is checked with argon2id against the user folded from the log;
 * an unknown e-mail costs one verification too, so timing does not tell whether it exists.
 */
export function loginCommands(ctx: ApiContext) {
  const sessions = new Sessions(ctx.db);
  const throttle = new LoginThrottle();
  const people = () => ctx.store.state.accounts.people;
  let decoy: Promise<string> | undefined;

  async function open(accountId: string, userId: string | null, keyId: string | null, role: Role): Promise<OpenedSession> {
    const cookie = newToken();
    const csrf = newToken().token;
    const expiresAt = Date.now() + SESSION_TTL_MS;
    await sessions.create({ id: randomUUID(), tokenHash: cookie.hash, csrfToken: csrf, accountId, userId, keyId, expiresAt });
    return { token: cookie.token, csrfToken: csrf, expiresAt, accountId, userId, role };
  }

  /** `POST /auth/login`: the user's first workspace, or the one named. 401 for a wrong e-mail or password, 429 when throttled. */
  async function login(input: { email: string; password: string; workspaceId?: string }, address: string): Promise<OpenedSession> {
    const email = normalizeEmail(input.email);
    const now = Date.now();
    const wait = throttle.wait(email, address, now);
    if (wait > 0) {
      const retryAfterSeconds = Math.ceil(wait / 1000);
      throw new DomainError('RATE_LIMITED', `too many failed logins; retry in ${retryAfterSeconds} s`, { retryAfterSeconds });
    }
    const user = people().userByEmail(email);
    const hash = user?.passwordHash ?? await (decoy ??= hashPassword(randomUUID()));
    if (!(await verifyPassword(hash, input.password)) || !user) {
      throttle.fail(email, address, now);
      throw new DomainError('UNAUTHORIZED', 'wrong e-mail or password');
    }
    throttle.succeed(email);
    // An erased workspace is no one's any more: a user of no other workspace is as if unknown.
    const all = people().membershipsOf(user.userId);
    const memberships = all.filter((m) => !ctx.store.state.erased.has(m.accountId));
    if (all.length > 0 && memberships.length === 0) throw new DomainError('UNAUTHORIZED', 'wrong e-mail or password');
    const membership = input.workspaceId ? memberships.find((m) => m.accountId === input.workspaceId) : memberships[0];
    if (!membership) throw new DomainError('NOT_FOUND', 'workspace not found');
    // A workspace enforcing SSO (services/sso/) takes its members of the IdP's domains through the IdP only.
    const sso = ctx.store.state.sso.live(membership.accountId);
    if (sso && ctx.store.state.sso.enforces(sso.accountId, email.slice(email.lastIndexOf('@') + 1))) {
      throw new DomainError('SSO_REQUIRED', 'this workspace requires single sign-on: continue with SSO', { loginUrl: `/auth/sso/saml/${sso.accountId}/${sso.slug}/login` });
    }
    return open(membership.accountId, user.userId, null, membership.role);
  }

  /** `POST /auth/session`: a session acting as the API key that asked for it, with its scopes. */
  function fromKey(principal: Principal, credential: Credential): Promise<OpenedSession> {
    if (credential.keyId === null) throw new DomainError('BAD_REQUEST', 'send X-API-Key to open a session from an API key');
    return open(principal.accountId, null, credential.keyId, 'admin');
  }

  /**
   * The live session of a cookie's token, as it authenticates now: a session made from a key
   * ends with the key; one of a user ends with the membership.
   */
  async function resolve(token: string): Promise<LiveSession | null> {
    const row = await sessions.find(hashToken(token));
    if (!row) return null;
    const accounts = ctx.store.state.accounts;
    const account = accounts.get(row.account_id);
    // An erased workspace's sessions end with it, on every API process as it folds the erasure (services/gdpr).
    if (!account || ctx.store.state.erased.has(account.accountId)) return null;
    const principal = { accountId: account.accountId, projectId: account.projectId };
    if (row.key_id !== null) {
      const key = accounts.keyOf(account.accountId, row.key_id);
      if (!key || (key.expiresAt !== null && key.expiresAt <= Date.now())) return null;
      return { id: row.id, principal, csrfToken: row.csrf_token, expiresAt: row.expires_at, credential: { keyId: key.keyId, scopes: key.scopes, userId: null, role: null, boundProjectId: key.projectId } };
    }
    const role = row.user_id === null ? undefined : accounts.people.roleIn(row.user_id, account.accountId);
    if (!role) return null;
    return { id: row.id, principal, csrfToken: row.csrf_token, expiresAt: row.expires_at, credential: { keyId: null, scopes: ['*'], userId: row.user_id, role, boundProjectId: null } };
  }

  async function logout(token: string): Promise<void> {
    const live = await resolve(token);
    if (live) await sessions.revoke(live.id);
  }

  return { login, fromKey, resolve, logout, open };
}
