import { randomUUID } from 'node:crypto';
import type { AccountMessage } from '../accounts/domain/messages.ts';
import { Sessions } from '../accounts/sessions.ts';
import { appendReserved } from '../platform/http/append.ts';
import { blindIndexKey } from '../platform/crypto/envelope.ts';
import { emailIndex } from '../platform/crypto/email-index.ts';
import { DomainError, isDomainError } from '../platform/domain/errors.ts';
import { NameReservations, type Reservable } from '../platform/postgres/name-reservations.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { hashPassword } from '../platform/security/passwords.ts';
import { hashToken, newToken } from '../platform/security/secrets.ts';
import { planOf } from '../plans/account-plan.ts';
import { scimError } from './domain/errors.ts';
import type { ScimMessage } from './domain/messages.ts';
import { applyPatch } from './domain/patch.ts';
import { readUser, type ScimUser } from './domain/resource.ts';
import { decideIssueToken, decideRevokeToken } from './domain/tokens.ts';
import { decideDelete, decideProvision, decideReplace, type Decision, type Identity } from './domain/users.ts';

/** SCIM tokens start so, to be told apart from API keys (mtr_) in a leak scanner or a log. */
export const TOKEN_PREFIX = 'scim_';
type Event = ScimMessage | AccountMessage;
const isScim = (e: Event): e is ScimMessage => e.type.startsWith('Scim');

/**
 * SCIM's commands: decide (pure, in domain/) → append → apply to this process's configuration.
 * A User change and the identity events it implies (UserRegistered, MemberAdded, MemberRemoved,
 * ApiKeyRevoked) go in one append: the scim topic keeps the resource, the accounts topic the
 * access, and every process's authenticator acts on the latter as it folds it.
 */
export function scimCommands(ctx: ApiContext) {
  const sessions = new Sessions(ctx.db);
  const scim = () => ctx.store.state.scim;
  const accounts = () => ctx.store.state.accounts;
  const reservations = new NameReservations(ctx.db, { names: 'scim_user_names', commands: 'scim_user_commands', idColumn: 'scim_id', what: 'User' }, (id) => scim().known(id));
  // The userName (an e-mail address as often as not) is reserved by its blind index, never in
  // clear: the log holds it sealed under the workspace's data key (services/data-keys/fields.ts).
  const indexKey = blindIndexKey(ctx.config.masterKeys);
  const reservable = (u: ScimUser): Reservable => ({ id: u.scimId, projectId: u.accountId, name: emailIndex(indexKey, u.userName) });
  /** One workspace's SCIM changes run one at a time in a process, so an If-Match is checked against what the last change left. */
  const queues = new Map<string, Promise<unknown>>();
  function serially<T>(accountId: string, work: () => Promise<T>): Promise<T> {
    const run = (queues.get(accountId) ?? Promise.resolve()).then(work, work);
    const settled = run.catch(() => undefined);
    queues.set(accountId, settled);
    void settled.then(() => { if (queues.get(accountId) === settled) queues.delete(accountId); });
    return run;
  }

  function identity(accountId: string): Identity {
    const people = accounts().people;
    return {
      members: people.membersOf(accountId),
      userByEmail: (email) => people.userByEmail(email),
      keysOf: (userId) => accounts().keysCreatedBy(accountId, userId).map((k) => k.keyId),
      seats: { limit: planOf(ctx, accountId).limits.teamSeats, used: people.membersOf(accountId).length + people.pendingInvitations(accountId, Date.now()).length },
    };
  }

  async function append(accountId: string, events: Event[], release?: () => Promise<unknown>): Promise<void> {
    if (events.length === 0) return;
    await appendReserved(ctx, {
      records: events.map((event) => ({ topic: isScim(event) ? ctx.topics.scim : ctx.topics.accounts, key: accountId, event })), readModel: 'accounts', ids: [accountId], release,
    });
    for (const e of events) ctx.store.apply(e);
    // A member removed has their sessions in the workspace ended for good: reactivated, they log in again.
    for (const e of events) if (e.type === 'MemberRemoved') await sessions.revokeMember(e.userId, e.accountId);
  }

  const found = (accountId: string, scimId: string): ScimUser => {
    const user = scim().user(accountId, scimId);
    if (!user) throw scimError('NOT_FOUND', null, `User ${scimId} not found`);
    return user;
  };

  /**
   * Reserves the User's new version (and its userName on a create or a rename) across API
   * processes, appends, then frees a name it no longer holds. `before` is the User as it was
   * (none for a create); `after` none for a delete.
   */
  async function commit(accountId: string, before: ScimUser | undefined, after: ScimUser | undefined, events: Event[]): Promise<void> {
    const change = events.find((e): e is Extract<ScimMessage, { version: number }> => 'version' in e && isScim(e));
    if (!change) return;
    const held = after ?? before!;
    const renamed = before !== undefined && after !== undefined && reservable(before).name !== reservable(after).name;
    const withName = before === undefined || renamed;
    await reservations.reserve([change.version], reservable(held), withName).catch((err: unknown) => {
      // The reservation names the index it holds; the caller is told the name it sent.
      throw isDomainError(err) ? new DomainError(err.code, err.message.replace(reservable(held).name, held.userName.toLowerCase()), err.details) : err;
    });
    await append(accountId, events, () => reservations.release([change.version], reservable(held), withName));
    if (before && (renamed || after === undefined)) await reservations.freeName(reservable(before)).catch(() => undefined);
  }
  const changed = async (accountId: string, before: ScimUser | undefined, d: Decision) => { await commit(accountId, before, d.user, d.events); return d.user; };

  return {
    /** POST /Users. A new mittr user gets a password nobody knows (hashed like any): no invitation is mailed. */
    provision: (accountId: string, body: unknown) => serially(accountId, async () => {
      const input = readUser(body);
      const unusable = await hashPassword(newToken().token);
      return changed(accountId, undefined, decideProvision(accountId, scim().usersOf(accountId), input, identity(accountId), unusable, { now: Date.now(), newId: randomUUID }));
    }),
    /** PUT /Users/{id}. */
    replace: (accountId: string, scimId: string, body: unknown, ifMatch?: string) => serially(accountId, async () => {
      const current = found(accountId, scimId);
      return changed(accountId, current, decideReplace(current, scim().usersOf(accountId), readUser(body), identity(accountId), ifMatch, Date.now()));
    }),
    /** PATCH /Users/{id}. */
    patch: (accountId: string, scimId: string, body: unknown, ifMatch?: string) => serially(accountId, async () => {
      const current = found(accountId, scimId);
      return changed(accountId, current, decideReplace(current, scim().usersOf(accountId), applyPatch(current, body), identity(accountId), ifMatch, Date.now()));
    }),
    /** DELETE /Users/{id}. */
    remove: (accountId: string, scimId: string, ifMatch?: string) => serially(accountId, async () => {
      const current = found(accountId, scimId);
      await commit(accountId, current, undefined, decideDelete(current, identity(accountId), ifMatch, Date.now()));
    }),

    /** Issues a token for the workspace; the raw token is answered this once, only its hash is kept. */
    async issueToken(accountId: string, input: { name: string }) {
      const raw = `${TOKEN_PREFIX}${newToken().token}`;
      const event = decideIssueToken(accountId, input, planOf(ctx, accountId).limits.scim, scim().liveTokens(accountId),
        { hash: hashToken(raw), prefix: raw.slice(0, TOKEN_PREFIX.length + 6) }, { now: Date.now(), newId: randomUUID });
      await append(accountId, [event]);
      return { event, token: raw };
    },
    async revokeToken(accountId: string, tokenId: string) {
      await append(accountId, [decideRevokeToken(accountId, scim().liveTokens(accountId), tokenId, Date.now())]);
    },
  };
}
