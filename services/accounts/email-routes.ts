import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DomainError } from '../platform/domain/errors.ts';
import { contract, type Operation } from '../platform/http/contract.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { hashToken } from '../platform/security/secrets.ts';
import { invitationStatus } from './domain/team.ts';
import { emailCommands } from './email-commands.ts';
import { setSessionCookie } from './authenticate.ts';
import { teamCommands } from './team-commands.ts';

const Token = Type.String({ minLength: 1, maxLength: 200 });
const Password = Type.String({ minLength: 8, maxLength: 1024 });
const Done = Type.Object({ ok: Type.Literal(true), message: Type.String() });
const op = (summary: string, errors?: number[]): Operation => ({ tag: 'Auth', summary, access: 'public', errors });

/**
 * The e-mail flows of 002's auth section: verifying an address, resetting a forgotten password,
 * and an invitation's landing page and acceptance. Every link is single-use and expires.
 */
export function emailRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const { verify, forgot, reset } = emailCommands(ctx);
  const { accept } = teamCommands(ctx);
  const people = () => ctx.store.state.accounts.people;

  return async (app) => {
    app.post('/auth/verify-email', { schema: contract(op('Confirm an e-mail address with the mailed link\'s token'), { body: Type.Object({ token: Token }), response: { 200: Done } }) }, async (req) => {
      await verify(req.body.token);
      return { ok: true as const, message: 'the e-mail address is verified' };
    });

    app.post('/auth/forgot-password', { schema: contract(op('Mail a password reset link; answers the same whether or not the address has a login'), { body: Type.Object({ email: Type.String({ maxLength: 254 }) }), response: { 202: Done } }) }, async (req, reply) => {
      // Sent after the answer, so neither the answer nor its timing says whether the address exists.
      forgot(req.body.email).catch((err: unknown) => req.log.warn({ err }, 'password reset mail not sent'));
      return reply.code(202).send({ ok: true as const, message: 'if the address has a login, a reset link is on its way' });
    });

    app.post('/auth/reset-password', { schema: contract(op('Set a new password with the mailed link\'s token: every session of the user ends'), { body: Type.Object({ token: Token, newPassword: Password }), response: { 200: Done } }) }, async (req) => {
      await reset(req.body.token, req.body.newPassword);
      return { ok: true as const, message: 'the password is changed; log in again' };
    });

    app.get('/auth/invite-status', { schema: contract(op('What an invitation link offers, without accepting it', [404]), {
      querystring: Type.Object({ token: Token }),
      response: { 200: Type.Object({ workspace: Type.Object({ id: Type.String(), companyName: Type.String() }), email: Type.String(), role: Type.String(), status: Type.String(), expiresAt: Type.String({ format: 'date-time' }), hasLogin: Type.Boolean() }) },
    }) }, async (req) => {
      const inv = people().invitationByTokenHash(hashToken(req.query.token));
      if (!inv) throw new DomainError('NOT_FOUND', 'invitation not found');
      const account = ctx.store.state.accounts.get(inv.accountId);
      return {
        workspace: { id: inv.accountId, companyName: account?.companyName ?? '' }, email: inv.email, role: inv.role,
        status: invitationStatus(inv, Date.now()), expiresAt: new Date(inv.expiresAt).toISOString(), hasLogin: people().userByEmail(inv.email) !== undefined,
      };
    });

    app.post('/auth/accept-invite', { schema: contract(op('Accept an invitation: join the workspace (a new login is made with the password given) and log in', [401, 404, 409]), {
      body: Type.Object({ token: Token, name: Type.Optional(Type.String({ maxLength: 200 })), password: Password }),
      response: { 200: Type.Object({ workspace: Type.Object({ id: Type.String() }), userId: Type.String(), role: Type.String(), csrfToken: Type.String(), expiresAt: Type.String({ format: 'date-time' }) }) },
    }) }, async (req, reply) => {
      const s = await accept(req.body);
      setSessionCookie(reply, ctx.config.env === 'production', s);
      return { workspace: { id: s.accountId }, userId: s.userId!, role: s.role, csrfToken: s.csrfToken, expiresAt: new Date(s.expiresAt).toISOString() };
    });
  };
}
