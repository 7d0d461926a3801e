import { createHash } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'slonik';
import { Type } from 'typebox';
import { findAccount } from '../../projections/accounts/queries.ts';
import { rotateAccountSecret } from './domain/decide.ts';
import { DomainError } from '../platform/domain/errors.ts';
import { newSigningSecret, secretView } from '../platform/security/secrets.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { withinDeadline } from '../platform/http/deadline.ts';
import { readYourWrites } from '../platform/http/read-your-writes.ts';

/** A signing secret as the API shows it, with the one it replaced while that still signs. */
const SecretView = Type.Object({
  signingSecret: Type.String(),
  previousSecret: Type.Optional(Type.String()),
  previousSecretExpiresAt: Type.Optional(Type.String({ format: 'date-time' })),
});

/**
 * GET /api/v1/me: the caller's account, with its global signing secret (and the one it replaced
 * while that still signs). POST /api/v1/me/signing-secret/rotate replaces the global secret.
 */
export function meRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  /**
   * Decides the rotation, reserves "this secret is replaced once" (so a concurrent rotation
   * answers CONFLICT instead of handing out a secret that never signs), appends, applies.
   */
  async function rotateGlobalSecret(accountId: string) {
    const account = ctx.store.state.accounts.get(accountId);
    if (!account) throw new DomainError('NOT_FOUND', 'account not found');
    const now = Date.now();
    const event = rotateAccountSecret(accountId, account, ctx.secrets.seal(newSigningSecret()), now);
    const replaces = createHash('sha256').update(account.signingSecretEnc).digest('hex');
    const reserved = await ctx.db.maybeOne(sql.unsafe`
      INSERT INTO account_secret_rotations (account_id, replaces) VALUES (${accountId}, ${replaces})
      ON CONFLICT DO NOTHING RETURNING replaces`);
    if (!reserved) throw new DomainError('CONFLICT', 'the signing secret was rotated concurrently; read it again and retry');
    try {
      const positions = await withinDeadline(ctx.appender.append([{ topic: ctx.topics.accounts, key: accountId, event }]), 'the event log');
      ctx.recent.remember('accounts', [accountId], positions);
    } catch (err) {
      // Not appended (or not known to be): free the reservation so the caller can retry.
      await ctx.db.query(sql.unsafe`DELETE FROM account_secret_rotations WHERE account_id = ${accountId} AND replaces = ${replaces}`);
      throw err;
    }
    ctx.store.apply(event);
    return secretView(ctx.secrets, event, now);
  }

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

    app.post('/me/signing-secret/rotate', { schema: { response: { 200: SecretView } } }, async (req) => rotateGlobalSecret(req.principal.accountId));
  };
}
