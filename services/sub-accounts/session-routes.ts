import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApiContext } from '../platform/http/context.ts';
import { contract, type Operation } from '../platform/http/contract.ts';
import { subAccountCommands } from './commands.ts';
import { IdParams, PortalSessionList, Revoked, SessionBody, SessionParams, SessionUrl } from './contract.ts';
import type { SessionRow } from './portal-sessions.ts';

const reads: Operation['access'] = { scope: 'sub-accounts:read', role: 'viewer' };
const writes: Operation['access'] = { scope: 'sub-accounts:write', role: 'editor' };
const op = (summary: string, access: Operation['access'], errors?: number[], description?: string): Operation => ({ tag: 'Sub-accounts', summary, access, errors, description });
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function sessionView(r: SessionRow) {
  return {
    id: r.id, state: r.exchanged_at === null ? 'pending' as const : 'active' as const, returnURL: r.return_url, ttlSeconds: r.ttl_seconds,
    createdAt: iso(r.created_at)!, exchangeExpiresAt: iso(r.exchange_expires_at)!, exchangedAt: iso(r.exchanged_at), expiresAt: iso(r.expires_at),
  };
}

/** /api/v1/sub-accounts/{id}/sessions: the portal URLs a workspace mints for its customers, and their revocation. */
export function portalSessionRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const { issueSession, liveSessions, revokeSessions } = subAccountCommands(ctx);

  return async (app) => {
    app.post('/sub-accounts/:id/sessions', { schema: contract(op('Mint a portal URL for a sub-account', writes, [409],
      'Answers a URL on the deployment\'s public address (MITTR_PUBLIC_URL, as e-mail links use) carrying a one-time exchange token: random, stored only as its SHA-256, '
      + 'usable once within 10 minutes. The portal swaps it (POST /sub-account-api/auth/exchange) for a session token scoped to this sub-account.'),
    { params: IdParams, body: SessionBody, response: { 201: SessionUrl } }) }, async (req, reply) => {
      const issued = await issueSession(req.principal, req.params.id, req.body);
      return reply.code(201).send({
        url: `${ctx.config.publicUrl}/portal/exchange?token=${encodeURIComponent(issued.exchangeToken)}`,
        sessionId: issued.sessionId, exchangeExpiresAt: iso(issued.exchangeExpiresAt)!,
      });
    });

    app.get('/sub-accounts/:id/sessions', { schema: contract(op('List a sub-account\'s live portal sessions (never their tokens)', reads), { params: IdParams, response: { 200: PortalSessionList } }) }, async (req) =>
      ({ data: (await liveSessions(req.principal, req.params.id)).map(sessionView) }));

    app.delete('/sub-accounts/:id/sessions/:sessionId', { schema: contract(op('Revoke one portal session', writes), { params: SessionParams, response: { 200: Revoked } }) }, async (req) =>
      ({ revoked: await revokeSessions(req.principal, req.params.id, req.params.sessionId) }));

    app.delete('/sub-accounts/:id/sessions', { schema: contract(op('Revoke every portal session of a sub-account', writes), { params: IdParams, response: { 200: Revoked } }) }, async (req) =>
      ({ revoked: await revokeSessions(req.principal, req.params.id, null) }));
  };
}
