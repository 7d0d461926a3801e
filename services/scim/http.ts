import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../platform/domain/errors.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { HTTP_STATUS } from '../platform/http/errors.ts';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../platform/http/json-depth.ts';
import { isUnavailable } from '../platform/failures.ts';
import { hashToken } from '../platform/security/secrets.ts';
import { planOf } from '../plans/account-plan.ts';
import { SCIM_CONTENT_TYPE } from './contract.ts';
import { sendScimError } from './error-body.ts';
import { scimError } from './domain/errors.ts';

declare module 'fastify' {
  interface FastifyRequest { scimAccountId: string }
}

/** The scimType a refusal names; a name reservation taken (NameReservations names its holder) is `uniqueness`. */
function scimTypeOf(err: DomainError): string | undefined {
  if (typeof err.details?.scimType === 'string') return err.details.scimType;
  if (err.code === 'CONFLICT' && typeof err.details?.scimId === 'string') return 'uniqueness';
  return err.code === 'VALIDATION_ERROR' || err.code === 'BAD_REQUEST' ? 'invalidValue' : undefined;
}

export function installScimErrors(app: FastifyInstance): void {
  app.setNotFoundHandler((req, reply) => sendScimError(reply, 404, `no SCIM endpoint ${req.method} ${req.url.split('?')[0]}`));
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof DomainError) {
      return sendScimError(reply, HTTP_STATUS[err.code], err.message, scimTypeOf(err));
    }
    if (err.validation) return sendScimError(reply, 400, err.message, 'invalidValue');
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return sendScimError(reply, err.statusCode, err.message, err.statusCode === 400 ? 'invalidSyntax' : undefined);
    if (isUnavailable(err)) return sendScimError(reply.header('retry-after', '1'), 503, 'a dependency is unavailable, retry shortly');
    req.log.error({ err }, 'unhandled SCIM error');
    return sendScimError(reply, 500, 'internal error');
  });
}

/** application/scim+json (and application/json) bodies, read as JSON with the API's depth limit; an empty one is no body. */
export function acceptScimJson(app: FastifyInstance): void {
  const { onProtoPoisoning = 'error', onConstructorPoisoning = 'error' } = app.initialConfig;
  const parse = app.getDefaultJsonParser(onProtoPoisoning, onConstructorPoisoning);
  // A SCIM body is JSON: text is 415 here, not a string handed to the routes.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(SCIM_CONTENT_TYPE, { parseAs: 'string' }, (req, body, done) => {
    if (body.length === 0) { done(null, undefined); return; }
    if (nestsDeeperThan(body as string)) { done(scimError('BAD_REQUEST', 'invalidSyntax', `the body nests deeper than ${MAX_JSON_DEPTH} levels`), undefined); return; }
    parse(req, body as string, done);
  });
}

/**
 * The caller: the SCIM token in `Authorization: Bearer`, one workspace's; its plan must include
 * SCIM. Every /scim/v2 read and change is that workspace's only.
 */
export function authenticateScim(ctx: ApiContext) {
  return async (req: FastifyRequest) => {
    const bearer = req.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!bearer) throw scimError('UNAUTHORIZED', null, 'send Authorization: Bearer <SCIM token>');
    const token = ctx.store.state.scim.token(hashToken(bearer));
    if (!token) throw scimError('UNAUTHORIZED', null, 'the SCIM token is unknown or revoked');
    if (!planOf(ctx, token.accountId).limits.scim) throw scimError('QUOTA_EXCEEDED', null, 'the workspace\'s plan does not include SCIM provisioning (Scale and above)');
    req.scimAccountId = token.accountId;
    req.actorSlot.actor = { type: 'scim_token', id: token.tokenId, address: req.ip };
  };
}
