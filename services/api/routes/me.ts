import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { findAccount } from '../../../projections/accounts/queries.ts';
import { DomainError } from '../../domain/errors/errors.ts';
import type { ApiContext } from '../context.ts';
import { readYourWrites } from '../read-your-writes.ts';

/** GET /api/v1/me: the caller's account, with its global signing secret. */
export function meRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/me', async (req) => {
      const { accountId } = req.principal;
      const row = await readYourWrites(ctx, accountId, () => findAccount(ctx.db, accountId));
      if (!row) throw new DomainError('NOT_FOUND', 'account not found');
      return {
        id: row.id, email: row.email, companyName: row.company_name, plan: row.plan, projectId: row.project_id,
        signingSecret: ctx.secrets.open(row.signing_secret_enc), createdAt: new Date(row.created_at).toISOString(),
      };
    });
  };
}
