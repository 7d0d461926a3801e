import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { DomainError } from '../platform/domain/errors.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { contract, DateTime, NoContent, Nullable, type Operation, RoleSchema } from '../platform/http/contract.ts';
import { authenticateKey, SESSION_COOKIE, setSessionCookie } from './authenticate.ts';
import { loginCommands, type OpenedSession } from './login.ts';

const LoginBody = Type.Object({
  email: Type.String({ maxLength: 254 }),
  password: Type.String({ maxLength: 1024 }),
  workspaceId: Type.Optional(Type.String({ format: 'uuid', description: 'Which of the user\'s workspaces; the first one when absent' })),
});
const Session = Type.Object({
  user: Nullable(Type.Object({ id: Type.String(), email: Type.String() })),
  workspace: Type.Object({ id: Type.String(), companyName: Type.String(), projectId: Type.String() }),
  role: RoleSchema,
  csrfToken: Type.String({ description: 'Send it as X-CSRF-Token with every change made with the session cookie' }),
  expiresAt: DateTime,
});
const op = (summary: string, security: Operation['security'], errors?: number[]): Operation =>
  ({ tag: 'Auth', summary, access: 'public', security, errors });

/**
 * Sessions: `POST /auth/login` sets the HttpOnly `mittr_session` cookie (SameSite=Lax, Secure in
 * production) that every /api/v1 route accepts besides X-API-Key; changes made with it need the
 * session's CSRF token in X-CSRF-Token.
 */
export function sessionRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const { login, fromKey, resolve, logout } = loginCommands(ctx);

  function answer(reply: FastifyReply, s: OpenedSession, code = 200) {
    const account = ctx.store.state.accounts.get(s.accountId)!;
    const user = s.userId === null ? undefined : ctx.store.state.accounts.people.user(s.userId);
    return reply.code(code).send({
      user: user ? { id: user.userId, email: user.email } : null,
      workspace: { id: account.accountId, companyName: account.companyName, projectId: account.projectId },
      role: s.role, csrfToken: s.csrfToken, expiresAt: new Date(s.expiresAt).toISOString(),
    });
  }
  const setCookie = (reply: FastifyReply, s: OpenedSession) => setSessionCookie(reply, ctx.config.env === 'production', s);
  const cookieOf = (req: FastifyRequest) => {
    const token = req.cookies?.[SESSION_COOKIE];
    if (!token) throw new DomainError('UNAUTHORIZED', 'no session: log in');
    return token;
  };

  return async (app) => {
    app.post('/auth/login', { schema: contract(op('Log in with e-mail and password: sets the session cookie (403 SSO_REQUIRED when the workspace enforces SSO)', [], [401, 403, 404, 429]), { body: LoginBody, response: { 200: Session } }) }, async (req, reply) => {
      const s = await login(req.body, req.ip);
      return answer(setCookie(reply, s), s);
    });

    app.post('/auth/session', { schema: contract(op('Open a session acting as the API key sent in X-API-Key, with its scopes', [{ apiKey: [] }]), { response: { 201: Session } }) }, async (req, reply) => {
      const key = req.headers['x-api-key'];
      if (typeof key !== 'string' || !key) throw new DomainError('UNAUTHORIZED', 'send X-API-Key to open a session from an API key');
      const { principal, credential } = authenticateKey(ctx.store, key);
      const s = await fromKey(principal, credential);
      return answer(setCookie(reply, s), s, 201);
    });

    app.get('/auth/session', { schema: contract(op('The session of the cookie sent, with its CSRF token', [{ session: [] }]), { response: { 200: Session } }) }, async (req, reply) => {
      const live = await resolve(cookieOf(req));
      if (!live) throw new DomainError('UNAUTHORIZED', 'the session has ended: log in again');
      const { credential: c, principal: p } = live;
      return answer(reply, { token: '', csrfToken: live.csrfToken, expiresAt: live.expiresAt, accountId: p.accountId, userId: c.userId, role: c.role ?? 'admin' });
    });

    app.delete('/auth/session', { schema: contract(op('Log out: ends the session of the cookie sent', [{ session: [] }]), { response: { 204: NoContent } }) }, async (req, reply) => {
      await logout(cookieOf(req));
      return reply.clearCookie(SESSION_COOKIE, { path: '/' }).code(204).send(null);
    });
  };
}
