import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { contract, NoContent, type Operation } from '../platform/http/contract.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { appendAccounts } from './append.ts';
import { planOf } from '../plans/account-plan.ts';
import { decideCreateProject, decideDeleteProject, decideUpdateProject, ENVIRONMENTS, type ProjectState } from './domain/projects.ts';

const Environment = Type.Union(ENVIRONMENTS.map((e) => Type.Literal(e)));
const Body = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), environment: Type.Optional(Environment) });
const Patch = Type.Partial(Body);
const Project = Type.Object({
  id: Type.String(), name: Type.String(), environment: Type.String(), isDefault: Type.Boolean(), createdAt: Type.String({ format: 'date-time' }),
});
const IdParams = Type.Object({ id: Type.String() });
/** Every member sees the projects; opening, changing and deleting them is an admin's. */
const op = (summary: string, scope: 'projects:read' | 'projects:write', errors?: number[]): Operation =>
  ({ tag: 'Projects', summary, access: { scope, role: scope === 'projects:read' ? 'viewer' : 'admin' }, errors });

/**
 * Projects (002): every resource belongs to one; X-Project-ID scopes a request to one of the
 * workspace's, the default one otherwise. The commands are small enough to live here beside the
 * routes: decide (domain/projects.ts), then appendAccounts.
 */
export function projectRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const projects = () => ctx.store.state.accounts.projects;
  const view = (accountId: string, p: ProjectState) => ({
    id: p.projectId, name: p.name, environment: p.environment, isDefault: ctx.store.state.accounts.get(accountId)?.projectId === p.projectId,
    createdAt: new Date(p.createdAt).toISOString(),
  });

  return async (app) => {
    app.get('/projects', { schema: contract(op('List the workspace\'s projects', 'projects:read'), { response: { 200: Type.Object({ data: Type.Array(Project), pagination: Type.Object({ hasMore: Type.Boolean(), cursor: Type.Null() }) }) } }) }, async (req) =>
      ({ data: projects().list(req.principal.accountId).map((p) => view(req.principal.accountId, p)), pagination: { hasMore: false, cursor: null } }));

    app.post('/projects', { schema: contract(op('Open a project (within the plan\'s projects)', 'projects:write', [402]), { body: Body, response: { 201: Project } }) }, async (req, reply) => {
      const { accountId } = req.principal;
      const limit = { limit: planOf(ctx, accountId).limits.projects, used: projects().list(accountId).length };
      const event = decideCreateProject(accountId, req.body, { now: Date.now(), newId: randomUUID }, limit);
      await appendAccounts(ctx, accountId, [event]);
      return reply.code(201).send(view(accountId, projects().get(accountId, event.projectId)!));
    });

    app.patch('/projects/:id', { schema: contract(op('Rename a project or change its environment', 'projects:write'), { params: IdParams, body: Patch, response: { 200: Project } }) }, async (req) => {
      const { accountId } = req.principal;
      await appendAccounts(ctx, accountId, decideUpdateProject(accountId, projects().get(accountId, req.params.id), req.body, Date.now()));
      return view(accountId, projects().get(accountId, req.params.id)!);
    });

    app.delete('/projects/:id', { schema: contract(op('Delete a project (not the default one): nothing reaches it any more', 'projects:write', [409]), { params: IdParams, response: { 204: NoContent } }) }, async (req, reply) => {
      const { accountId } = req.principal;
      const account = ctx.store.state.accounts.get(accountId)!;
      await appendAccounts(ctx, accountId, [decideDeleteProject(accountId, projects().get(accountId, req.params.id), account.projectId, Date.now())]);
      return reply.code(204).send(null);
    });
  };
}
