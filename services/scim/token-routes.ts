import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ApiContext } from '../platform/http/context.ts';
import { contract, DateTime, NoContent, type Operation } from '../platform/http/contract.ts';
import { scimCommands } from './commands.ts';

const Token = Type.Object({ id: Type.String(), name: Type.String(), prefix: Type.String({ description: 'The first characters, to recognise it' }), createdAt: DateTime });
const Issued = Type.Object({ ...Token.properties, token: Type.String({ description: 'The bearer token, shown this once: only its hash is kept' }) });
const IssueBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100, description: 'Which identity provider holds it' }) });
/** SCIM tokens are an admin's, as the team they provision is. */
const op = (summary: string, scope: 'scim:read' | 'scim:write', errors?: number[]): Operation => ({ tag: 'SCIM tokens', summary, access: { scope, role: 'admin' }, errors });
const iso = (ms: number) => new Date(ms).toISOString();

/** POST/GET /api/v1/scim/tokens, DELETE /api/v1/scim/tokens/{tokenId}: the tokens /scim/v2 takes as `Authorization: Bearer`. */
export function scimTokenRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const { issueToken, revokeToken } = scimCommands(ctx);
  return async (app) => {
    app.post('/scim/tokens', { schema: contract(op('Issue a SCIM token for the workspace: answered once (Scale plan and above, else 402)', 'scim:write', [402, 409]), { body: IssueBody, response: { 201: Issued } }) }, async (req, reply) => {
      const { event, token } = await issueToken(req.principal.accountId, req.body);
      return reply.code(201).send({ id: event.tokenId, name: event.name, prefix: event.prefix, createdAt: iso(event.issuedAt), token });
    });
    app.get('/scim/tokens', { schema: contract(op('List the workspace\'s live SCIM tokens (never the tokens themselves)', 'scim:read'), { response: { 200: Type.Object({ data: Type.Array(Token) }) } }) }, async (req) =>
      ({ data: ctx.store.state.scim.liveTokens(req.principal.accountId).map((t) => ({ id: t.tokenId, name: t.name, prefix: t.prefix, createdAt: iso(t.issuedAt) })) }));
    app.delete('/scim/tokens/:tokenId', { schema: contract(op('Revoke a SCIM token: the identity provider holding it is refused at once', 'scim:write'), { params: Type.Object({ tokenId: Type.String() }), response: { 204: NoContent } }) }, async (req, reply) => {
      await revokeToken(req.principal.accountId, req.params.tokenId);
      return reply.code(204).send(null);
    });
  };
}
