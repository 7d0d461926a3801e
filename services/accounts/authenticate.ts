import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../platform/domain/errors.ts';
import type { ApiContext } from '../platform/http/context.ts';
import type { Credential, Principal } from '../platform/http/principal.ts';
import { hashApiKey } from '../platform/security/secrets.ts';
import type { ConfigStore } from '../platform/state/config-store.ts';
import { loginCommands } from './login.ts';

/** The session cookie (HttpOnly, SameSite=Lax, Secure in production). */
export const SESSION_COOKIE = 'mittr_session';
/** Sets the session cookie a login (or an accepted invitation) opened, for as long as the session lasts. */
export function setSessionCookie(reply: FastifyReply, production: boolean, session: { token: string; expiresAt: number }): FastifyReply {
  return reply.setCookie(SESSION_COOKIE, session.token, {
    httpOnly: true, sameSite: 'lax', secure: production, path: '/', maxAge: Math.floor((session.expiresAt - Date.now()) / 1000),
  });
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A browser cannot set headers on a WebSocket, so an upgrade request may carry its key as
 * `?key=` (the stats stream). Only an upgrade: anywhere else a key in the URL would land in
 * logs and histories.
 */
function webSocketKey(req: FastifyRequest): string | undefined {
  if (req.headers.upgrade?.toLowerCase() !== 'websocket') return undefined;
  const key = (req.query as { key?: unknown } | undefined)?.key;
  return typeof key === 'string' ? key : undefined;
}
type Authenticated = { principal: Principal; credential: Credential };

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
const header = (req: FastifyRequest, name: string) => { const v = req.headers[name]; return Array.isArray(v) ? v[0] : v; };

/**
 * Resolves the caller from X-API-Key (or `Authorization: Bearer mtr_...`). A revoked key is
 * unknown to every process as soon as it folds the revocation; an expired one is refused by the clock.
 */
export function authenticateKey(store: ConfigStore, key: string, now = Date.now()): Authenticated {
  const hash = hashApiKey(key);
  const found = store.state.accounts.key(hash);
  const account = store.state.accounts.byKeyHash(hash);
  if (!found || !account || store.state.erased.has(account.accountId)) throw new DomainError('UNAUTHORIZED', 'invalid API key');
  if (found.expiresAt !== null && found.expiresAt <= now) throw new DomainError('UNAUTHORIZED', 'the API key has expired');
  return {
    principal: { accountId: account.accountId, projectId: account.projectId },
    credential: { keyId: found.keyId, scopes: found.scopes, userId: null, role: null, boundProjectId: found.projectId },
  };
}

/**
 * The project a request reaches: X-Project-ID when it names one of the workspace's live
 * projects, else the workspace's default; a key bound to a project reaches that one only.
 * Another workspace's project, or a deleted one, is not found.
 */
function projectOf(store: ConfigStore, who: Authenticated, asked: string | undefined): string {
  const accounts = store.state.accounts;
  const bound = who.credential.boundProjectId;
  const project = asked ?? bound ?? who.principal.projectId;
  if ((bound !== null && project !== bound) || !accounts.projects.get(who.principal.accountId, project)) throw new DomainError('NOT_FOUND', 'project not found');
  return project;
}

/**
 * Every /api/v1 request's caller: an API key, else the session cookie. A request that changes
 * something with a cookie must carry the session's CSRF token in X-CSRF-Token (a cookie is sent
 * by the browser whoever made the page; the token only by mittr's own pages). The request is
 * scoped to a project: the account's default, or X-Project-ID when it names one of its projects.
 */
export function authenticator(ctx: ApiContext): (req: FastifyRequest) => Promise<Authenticated> {
  const { resolve } = loginCommands(ctx);
  return async (req) => {
    const key = header(req, 'x-api-key') ?? req.headers.authorization?.match(/^Bearer\s+(mtr_\S+)$/)?.[1] ?? webSocketKey(req);
    let who: Authenticated;
    if (key) {
      who = authenticateKey(ctx.store, key);
    } else {
      const token = req.cookies?.[SESSION_COOKIE];
      if (!token) throw new DomainError('UNAUTHORIZED', 'missing API key: send X-API-Key (or log in)');
      const live = await resolve(token);
      if (!live) throw new DomainError('UNAUTHORIZED', 'the session has ended: log in again');
      if (!SAFE_METHODS.has(req.method)) {
        const csrf = header(req, 'x-csrf-token');
        if (!csrf || !same(csrf, live.csrfToken)) {
          throw new DomainError('FORBIDDEN', 'a change made with a session cookie needs its X-CSRF-Token header');
        }
      }
      who = live;
    }
    return { principal: { ...who.principal, projectId: projectOf(ctx.store, who, header(req, 'x-project-id')) }, credential: who.credential };
  };
}
