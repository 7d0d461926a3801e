import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ApiContext } from '../platform/http/context.ts';
import { contract } from '../platform/http/contract.ts';
import { accountCommands } from './commands.ts';
import { emailCommands } from './email-commands.ts';

const SignupBody = Type.Object({
  email: Type.String({ format: 'email', maxLength: 254 }),
  password: Type.String({ minLength: 8, maxLength: 1024 }),
  companyName: Type.Optional(Type.String({ maxLength: 200 })),
});
/** A new account, with its first API key and global signing secret: shown this once. */
const SignedUp = Type.Object({
  id: Type.String(), email: Type.String(), companyName: Type.String(), projectId: Type.String(),
  apiKey: Type.String(), signingSecret: Type.String(), createdAt: Type.String({ format: 'date-time' }),
});

/** Public auth routes: signup (accountCommands) opens an account and answers its first API key once. */
export function authRoutes(ctx: ApiContext): FastifyPluginAsyncTypebox {
  const { signup } = accountCommands(ctx);
  const { mailLink } = emailCommands(ctx);
  return async (app) => {
    app.post('/auth/signup', {
      schema: contract({ tag: 'Auth', summary: 'Open an account: answers its first API key and signing secret once', access: 'public', errors: [409, 429] },
        { body: SignupBody, response: { 201: SignedUp } }),
    }, async (req, reply) => {
      const { account, apiKey, signingSecret } = await signup(req.body, req.ip);
      // The verification mail follows the answer: an SMTP relay that is away does not undo a signup.
      mailLink(account.ownerUserId!, account.email, 'verify').catch((err: unknown) => req.log.warn({ err }, 'verification mail not sent'));
      return reply.code(201).send({
        id: account.accountId, email: account.email, companyName: account.companyName, projectId: account.projectId,
        apiKey, signingSecret, createdAt: new Date(account.createdAt).toISOString(),
      });
    });
  };
}
