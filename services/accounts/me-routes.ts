import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { findAccount } from '../../projections/accounts/queries.ts';
import { DomainError } from '../platform/domain/errors.ts';
import { secretView } from '../platform/security/secrets.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { readYourWrites } from '../platform/http/read-your-writes.ts';
import { contract, Nullable, type Operation, RoleSchema } from '../platform/http/contract.ts';
import { planOf } from '../plans/account-plan.ts';
import { accountCommands } from './commands.ts';

/** A signing secret as the API shows it, with the one it replaced while that still signs. */
const SecretView = Type.Object({
  signingSecret: Type.String(),
  previousSecret: Type.Optional(Type.String()),
  previousSecretExpiresAt: Type.Optional(Type.String({ format: 'date-time' })),
});
const Me = Type.Object({
  id: Type.String(), email: Type.String(), companyName: Type.String(), plan: Type.String(), projectId: Type.String(),
  signingSecret: Type.Optional(Type.String({ description: 'The global signing secret: shown to API keys and admins' })),
  previousSecret: Type.Optional(Type.String()),
  previousSecretExpiresAt: Type.Optional(Type.String({ format: 'date-time' })),
  createdAt: Type.String({ format: 'date-time' }),
  onboardedAt: Nullable(Type.String({ format: 'date-time' })),
  user: Nullable(Type.Object({ id: Type.String(), email: Type.String(), emailVerified: Type.Boolean() })),
  role: Nullable(RoleSchema),
  workspaces: Type.Array(Type.Object({ id: Type.String(), companyName: Type.String(), role: RoleSchema }), { description: 'The workspaces the user belongs to' }),
  projects: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), environment: Type.String() })),
});
const Onboarding = Type.Object({ companyName: Type.String({ minLength: 1, maxLength: 200 }) });
/** Every member reads the account (an admin or a key sees its signing secret too); changing it is an admin's. */
const op = (summary: string, scope: 'account:read' | 'account:write', errors?: number[]): Operation =>
  ({ tag: 'Account', summary, access: { scope, role: scope === 'account:read' ? 'viewer' : 'admin' }, errors });

/**
 * GET /api/v1/me: the caller's account, with its global signing secret (and the one it replaced
 * while that still signs). POST /api/v1/me/signing-secret/rotate replaces the global secret.
 */
export function meRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const { rotateGlobalSecret, completeOnboarding } = accountCommands(ctx);

  return async (app) => {
    app.get('/me', { schema: contract(op('The caller\'s account, with its global signing secret', 'account:read'), { response: { 200: Me } }) }, async (req) => {
      const { accountId } = req.principal;
      const row = await readYourWrites(ctx, accountId, () => findAccount(ctx.db, accountId));
      if (!row) throw new DomainError('NOT_FOUND', 'account not found');
      const { role, userId } = req.credential;
      const secrets = role === null || role === 'admin' ? secretView(ctx.secrets, {
        signingSecretEnc: row.signing_secret_enc, previousSecretEnc: row.previous_secret_enc, previousExpiresAt: row.previous_secret_expires_at,
      }, Date.now()) : {};
      const accounts = ctx.store.state.accounts;
      const user = userId === null ? undefined : accounts.people.user(userId);
      return {
        id: row.id, email: row.email, companyName: row.company_name, plan: planOf(ctx, accountId).plan, projectId: row.project_id,
        ...secrets, createdAt: new Date(row.created_at).toISOString(), onboardedAt: row.onboarded_at === null ? null : new Date(row.onboarded_at).toISOString(),
        user: user ? { id: user.userId, email: user.email, emailVerified: user.emailVerified } : null,
        role,
        workspaces: user ? accounts.people.membershipsOf(user.userId).map((m) => ({ id: m.accountId, companyName: accounts.get(m.accountId)?.companyName ?? '', role: m.role })) : [],
        projects: accounts.projects.list(accountId).map((p) => ({ id: p.projectId, name: p.name, environment: p.environment })),
      };
    });

    app.post('/me/onboarding-complete', { schema: contract(op('Finish onboarding, naming the company', 'account:write'), { body: Onboarding, response: { 200: Type.Object({ companyName: Type.String(), onboardedAt: Type.String({ format: 'date-time' }) }) } }) }, async (req) => {
      const event = await completeOnboarding(req.principal.accountId, req.body.companyName);
      return { companyName: event.companyName, onboardedAt: new Date(event.onboardedAt).toISOString() };
    });

    app.post('/me/signing-secret/rotate', { schema: contract(op('Rotate the global signing secret (the old one signs too for 24 h)', 'account:write', [409]), { response: { 200: SecretView } }) }, async (req) => rotateGlobalSecret(req.principal.accountId));
  };
}
