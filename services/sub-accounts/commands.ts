import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { DomainError } from '../platform/domain/errors.ts';
import { appendReserved } from '../platform/http/append.ts';
import type { ApiContext } from '../platform/http/context.ts';
import type { Principal } from '../platform/http/principal.ts';
import { NameReservations, type Reservable } from '../platform/postgres/name-reservations.ts';
import { hashToken, newToken } from '../platform/security/secrets.ts';
import { assertActive, decide, type SubAccountCommand } from './domain/decide.ts';
import { evolve, type SubAccountState } from './domain/evolve.ts';
import type { SubAccountMessage } from './domain/messages.ts';
import { sessionTerms } from './domain/session.ts';
import { PortalSessions, type LiveSession } from './portal-sessions.ts';

const uuid = z.uuid();

/** The sub-accounts' commands: load (this process's store) → decide (pure) → reserve subID and versions → append → apply. */
export function subAccountCommands(ctx: ApiContext) {
  const reservations = new NameReservations(ctx.db, { names: 'sub_account_names', commands: 'sub_account_commands', idColumn: 'sub_account_id', what: 'sub-account' },
    (id) => ctx.store.state.subAccounts.get(id));
  const reservable = (s: SubAccountState): Reservable => ({ id: s.subAccountId, projectId: s.projectId, name: s.definition.subID });
  const sessions = new PortalSessions(ctx.db);

  /** The sub-account as this process knows it, deactivated or not, if it is the caller's project's. */
  function known(p: Principal, id: string): SubAccountState {
    const s = uuid.safeParse(id).success ? ctx.store.state.subAccounts.get(id) : undefined;
    if (!s || s.accountId !== p.accountId || s.projectId !== p.projectId) throw new DomainError('NOT_FOUND', 'sub-account not found');
    return s;
  }
  /** The caller's active sub-account: what an event, an endpoint or a session may be made for. */
  const active = (p: Principal, id: string) => assertActive(known(p, id), p);

  const record = (s: SubAccountState | SubAccountMessage, event: SubAccountMessage) => ({ topic: ctx.topics.subAccounts, key: s.subAccountId, event });

  async function run(state: SubAccountState | undefined, cmd: SubAccountCommand): Promise<SubAccountState> {
    const events = decide(state, cmd, Date.now());
    if (events.length === 0) return state!;
    const next = events.reduce<SubAccountState | undefined>(evolve, state)!;
    const versions = events.map((e) => e.version);
    // A create or a new subID takes the name; a deactivation frees it after the append.
    const renames = events[0]!.type === 'SubAccountCreated' || (state !== undefined && state.definition.subID !== next.definition.subID);
    await reservations.reserve(versions, reservable(next), renames);
    await appendReserved(ctx, {
      records: events.map((event) => record(next, event)),
      readModel: 'sub-accounts', ids: [next.subAccountId], release: () => reservations.release(versions, reservable(next), renames),
    });
    events.forEach((e) => ctx.store.apply(e));
    if (renames && state) await reservations.freeName(reservable(state)).catch(() => undefined);
    if (next.deleted) {
      await sessions.revoke(next.subAccountId, null);
      await reservations.freeName(reservable(next)).catch(() => undefined);
    }
    return next;
  }

  /** Issues a portal session: the URL carries its one-time exchange token, which is kept only as a hash. */
  async function issueSession(p: Principal, id: string, input: { returnURL: string; ttlSeconds?: number }) {
    const s = active(p, id);
    const now = Date.now();
    const terms = sessionTerms(input, s.definition.allowedOrigins, now);
    const exchange = newToken();
    const sessionId = randomUUID();
    await sessions.create({ id: sessionId, accountId: s.accountId, projectId: s.projectId, subAccountId: s.subAccountId,
      exchangeHash: exchange.hash, exchangeExpiresAt: terms.exchangeExpiresAt, returnUrl: terms.returnUrl, ttlSeconds: terms.ttlSeconds });
    await appendReserved(ctx, { records: [record(s, { type: 'SubAccountSessionIssued', subAccountId: s.subAccountId, accountId: s.accountId,
      projectId: s.projectId, sessionId, returnUrl: terms.returnUrl, exchangeExpiresAt: terms.exchangeExpiresAt, at: now })], readModel: 'audit', ids: [] });
    return { sessionId, exchangeToken: exchange.token, exchangeExpiresAt: terms.exchangeExpiresAt };
  }

  /** Revokes one of the sub-account's sessions (NOT_FOUND when it is no live one of it), or all of them. */
  async function revokeSessions(p: Principal, id: string, sessionId: string | null) {
    const s = known(p, id);
    if (sessionId !== null && !uuid.safeParse(sessionId).success) throw new DomainError('NOT_FOUND', 'session not found');
    const revoked = await sessions.revoke(s.subAccountId, sessionId);
    if (sessionId !== null && revoked === 0) throw new DomainError('NOT_FOUND', 'session not found');
    await appendReserved(ctx, { records: [record(s, { type: 'SubAccountSessionsRevoked', subAccountId: s.subAccountId, accountId: s.accountId,
      projectId: s.projectId, sessionId, at: Date.now() })], readModel: 'audit', ids: [] });
    return revoked;
  }

  const liveSessions = (p: Principal, id: string) => sessions.live(known(p, id).subAccountId);

  /** Swaps a one-time exchange token for a session token (shown once, kept hashed). */
  async function exchange(token: string): Promise<{ session: LiveSession; token: string }> {
    const session = newToken();
    const live = await sessions.exchange(hashToken(token), session.hash);
    if (!live) throw new DomainError('UNAUTHORIZED', 'the exchange token is unknown, used, revoked or expired: ask for a new portal URL');
    return { session: live, token: session.token };
  }

  /** The live session a bearer token names, slid ahead; its sub-account as this process knows it. */
  async function authenticate(token: string): Promise<{ session: LiveSession; subAccount: SubAccountState }> {
    const live = await sessions.use(hashToken(token));
    const subAccount = live ? ctx.store.state.subAccounts.get(live.sub_account_id) : undefined;
    // Deactivating revokes the sessions; this also holds while another process has not done so yet.
    // An erased workspace's sessions are refused at once, before its rows are purged.
    if (!live || !subAccount || subAccount.deleted || ctx.store.state.erased.has(live.account_id)) throw new DomainError('UNAUTHORIZED', 'the portal session is unknown, revoked or expired');
    return { session: live, subAccount };
  }

  return { known, active, run, issueSession, revokeSessions, liveSessions, exchange, authenticate };
}
