import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { findAccount } from '../../projections/accounts/queries.ts';
import { DomainError } from '../platform/domain/errors.ts';
import { secretView } from '../platform/security/secrets.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { readYourWrites } from '../platform/http/read-your-writes.ts';
import { contract, type Operation } from '../platform/http/contract.ts';
import { accountCommands } from './commands.ts';

/** A signing secret as the API shows it, with the one it replaced while that still signs. */
const SecretView = Type.Object({
  signingSecret: Type.String(),
  previousSecret: Type.Optional(Type.String()),
  previousSecretExpiresAt: Type.Optional(Type.String({ format: 'date-time' })),
});
const Me = Type.Object({
  id: Type.String(), email: Type.String(), companyName: Type.String(), plan: Type.String(), projectId: Type.String(),
  ...SecretView.properties, createdAt: Type.String({ format: 'date-time' }),
});
/** The account shows its global signing secret: reading it, as rotating it, is an admin's. */
const op = (summary: string, scope: 'account:read' | 'account:write', errors?: number[]): Operation =>
  ({ tag: 'Account', summary, access: { scope, role: 'admin' }, errors });

/**
 * GET /api/v1/me: the caller's account, with its global signing secret (and the one it replaced
 * while that still signs). POST /api/v1/me/signing-secret/rotate replaces the global secret.
 */
export function meRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const { rotateGlobalSecret } = accountCommands(ctx);

  return async (app) => {
    app.get('/me', { schema: contract(op('The caller\'s account, with its global signing secret', 'account:read'), { response: { 200: Me } }) }, async (req) => {
      const { accountId } = req.principal;
      const row = await readYourWrites(ctx, accountId, () => findAccount(ctx.db, accountId));
      if (!row) throw new DomainError('NOT_FOUND', 'account not found');
      const secrets = secretView(ctx.secrets, {
        signingSecretEnc: row.signing_secret_enc, previousSecretEnc: row.previous_secret_enc, previousExpiresAt: row.previous_secret_expires_at,
      }, Date.now());
      return {
        id: row.id, email: row.email, companyName: row.company_name, plan: row.plan, projectId: row.project_id,
        ...secrets, createdAt: new Date(row.created_at).toISOString(),
      };
    });

    app.post('/me/signing-secret/rotate', { schema: contract(op('Rotate the global signing secret (the old one signs too for 24 h)', 'account:write', [409]), { response: { 200: SecretView } }) }, async (req) => rotateGlobalSecret(req.principal.accountId));
  };
}
