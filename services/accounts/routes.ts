import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { sql } from 'slonik';
import { Type } from 'typebox';
import { DomainError } from '../platform/domain/errors.ts';
import type { AccountCreated, ApiKeyCreated } from './domain/messages.ts';
import { hashPassword } from '../platform/security/passwords.ts';
import { newApiKey, newSigningSecret } from '../platform/security/secrets.ts';
import type { ApiContext } from '../platform/http/context.ts';

const SignupBody = Type.Object({
  email: Type.String({ format: 'email', maxLength: 254 }),
  password: Type.String({ minLength: 8, maxLength: 1024 }),
  companyName: Type.Optional(Type.String({ maxLength: 200 })),
});

/** Public auth routes. Signup reserves the email, then appends AccountCreated and ApiKeyCreated. */
export function authRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post('/auth/signup', { schema: { body: SignupBody } }, async (req, reply) => {
      const email = req.body.email.trim().toLowerCase();
      const accountId = randomUUID();
      const reserved = await ctx.db.maybeOne(sql.unsafe`
        INSERT INTO account_emails (email, account_id) VALUES (${email}, ${accountId})
        ON CONFLICT (email) DO NOTHING RETURNING account_id`);
      if (!reserved) throw new DomainError('CONFLICT', 'an account with this email already exists');
      const now = Date.now();
      const key = newApiKey();
      const signingSecret = newSigningSecret();
      const account: AccountCreated = {
        type: 'AccountCreated', accountId, email, companyName: req.body.companyName ?? '',
        passwordHash: await hashPassword(req.body.password), signingSecretEnc: ctx.secrets.seal(signingSecret),
        projectId: randomUUID(), plan: 'free', createdAt: now,
      };
      const apiKey: ApiKeyCreated = {
        type: 'ApiKeyCreated', accountId, keyId: randomUUID(), name: 'default', keyHash: key.hash, prefix: key.prefix, createdAt: now,
      };
      try {
        const positions = await ctx.appender.append([
          { topic: ctx.topics.accounts, key: accountId, event: account },
          { topic: ctx.topics.accounts, key: accountId, event: apiKey },
        ]);
        ctx.recent.remember('accounts', [accountId], positions);
      } catch (err) {
        // Nothing was appended: free the email so the caller can retry.
        await ctx.db.query(sql.unsafe`DELETE FROM account_emails WHERE email = ${email}`);
        throw err;
      }
      ctx.store.apply(account);
      ctx.store.apply(apiKey);
      return reply.code(201).send({
        id: accountId, email, companyName: account.companyName, projectId: account.projectId,
        apiKey: key.key, signingSecret, createdAt: new Date(now).toISOString(),
      });
    });
  };
}
