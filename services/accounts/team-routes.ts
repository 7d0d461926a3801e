import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { contract, DateTime, NoContent, type Operation, RoleSchema } from '../platform/http/contract.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { invitationStatus } from './domain/team.ts';
import { teamCommands } from './team-commands.ts';

const Member = Type.Object({ userId: Type.String(), email: Type.String(), role: RoleSchema, emailVerified: Type.Boolean() });
const Invitation = Type.Object({ id: Type.String(), email: Type.String(), role: RoleSchema, status: Type.String(), expiresAt: DateTime, createdAt: DateTime });
const Team = Type.Object({
  data: Type.Array(Member),
  pagination: Type.Object({ hasMore: Type.Boolean(), cursor: Type.Union([Type.String(), Type.Null()]) }),
  invitations: Type.Array(Invitation, { description: 'Invitations not yet accepted, still valid' }),
});
const InviteBody = Type.Object({ email: Type.String({ format: 'email', maxLength: 254 }), role: RoleSchema });
const RoleBody = Type.Object({ role: RoleSchema });
const UserParams = Type.Object({ userId: Type.String() });
/** Reading the team is for every member; changing it is an admin's. */
const op = (summary: string, scope: 'team:read' | 'team:write', errors?: number[]): Operation =>
  ({ tag: 'Team', summary, access: { scope, role: scope === 'team:read' ? 'viewer' : 'admin' }, errors });
const iso = (ms: number) => new Date(ms).toISOString();

/** The workspace's team (002): members with their roles, invitations by e-mail. */
export function teamRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const { invite, changeRole, remove } = teamCommands(ctx);
  const people = () => ctx.store.state.accounts.people;
  return async (app) => {
    app.get('/team', { schema: contract(op('List the members and the pending invitations', 'team:read'), { response: { 200: Team } }) }, async (req) => {
      const { accountId } = req.principal;
      const now = Date.now();
      const data = people().membersOf(accountId).flatMap((m) => {
        const user = people().user(m.userId);
        return user ? [{ userId: m.userId, email: user.email, role: m.role, emailVerified: user.emailVerified }] : [];
      });
      const invitations = people().pendingInvitations(accountId, now).map((i) => ({
        id: i.invitationId, email: i.email, role: i.role, status: invitationStatus(i, now), expiresAt: iso(i.expiresAt), createdAt: iso(i.createdAt),
      }));
      return { data, pagination: { hasMore: false, cursor: null }, invitations };
    });

    app.post('/team/invite', { schema: contract(op('Invite someone by e-mail with a role: a single-use link, for 7 days (within the plan\'s seats)', 'team:write', [402, 409]), { body: InviteBody, response: { 201: Invitation } }) }, async (req, reply) => {
      const i = await invite(req.principal.accountId, req.credential, req.body);
      return reply.code(201).send({ id: i.invitationId, email: i.email, role: i.role, status: 'pending', expiresAt: iso(i.expiresAt), createdAt: iso(i.createdAt) });
    });

    app.patch('/team/:userId', { schema: contract(op('Change a member\'s role (the last admin keeps theirs)', 'team:write', [409]), { params: UserParams, body: RoleBody, response: { 200: Member } }) }, async (req) => {
      await changeRole(req.principal.accountId, req.params.userId, req.body.role);
      const user = people().user(req.params.userId)!;
      return { userId: user.userId, email: user.email, role: req.body.role, emailVerified: user.emailVerified };
    });

    app.delete('/team/:userId', { schema: contract(op('Remove a member (not the last admin): their sessions in the workspace end', 'team:write', [409]), { params: UserParams, response: { 204: NoContent } }) }, async (req, reply) => {
      await remove(req.principal.accountId, req.params.userId);
      return reply.code(204).send(null);
    });
  };
}
