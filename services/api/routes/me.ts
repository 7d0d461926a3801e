import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { findAccount } from '../../../projections/accounts/queries.ts';
import { rotateAccountSecret } from '../../domain/account/decide.ts';
import { DomainError } from '../../domain/errors/errors.ts';
import { newSigningSecret, secretView } from '../../security/secrets.ts';
import type { ApiContext } from '../context.ts';
import { withinDeadline } from '../deadline.ts';
import { readYourWrites } from '../read-your-writes.ts';

/**
 * GET /api/v1/me: the caller's account, with its global signing secret (and the one it replaced
 * while that still signs). POST /api/v1/me/signing-secret/rotate replaces the global secret.
 */
export function meRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/me', async (req) => {
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

    app.post('/me/signing-secret/rotate', async (req) => {
      const { accountId } = req.principal;
      const account = ctx.store.account(accountId);
      if (!account) throw new DomainError('NOT_FOUND', 'account not found');
      const now = Date.now();
      const event = rotateAccountSecret(accountId, account, ctx.secrets.seal(newSigningSecret()), now);
      const positions = await withinDeadline(ctx.appender.append([{ topic: ctx.topics.accounts, key: accountId, event }]), 'the event log');
      ctx.recent.remember('accounts', [accountId], positions);
      ctx.store.apply(event);
      return secretView(ctx.secrets, event, now);
    });
  };
}
