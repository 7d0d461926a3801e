import type { FastifyError, FastifyInstance } from 'fastify';
import { DomainError, type ErrorCode } from '../domain/errors.ts';
import { isTooLargeForTheLog, isUnavailable } from '../failures.ts';
import { isErased } from '../crypto/erased.ts';

/** The one table from domain error codes to HTTP statuses. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400, VALIDATION_ERROR: 400, CONFIRMATION_REQUIRED: 400, BATCH_TOO_LARGE: 400, UNAUTHORIZED: 401, INVALID_SIGNATURE: 401, QUOTA_EXCEEDED: 402,
  FORBIDDEN: 403, INSUFFICIENT_SCOPE: 403, INSUFFICIENT_ROLE: 403, SSO_REQUIRED: 403, NOT_FOUND: 404, CONFLICT: 409, INVALID_STATE: 409, DUPLICATE_EVENT: 409,
  PAYLOAD_TOO_LARGE: 413, PRECONDITION_FAILED: 412, UPGRADE_REQUIRED: 426, RATE_LIMITED: 429, INTERNAL_ERROR: 500, SERVICE_UNAVAILABLE: 503,
  BILLING_NOT_CONFIGURED: 409, PROVIDER_ERROR: 502,
};

/** Renders every error as `{error, code}`; 5xx never leak internals. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({ error: `no route for ${req.method} ${req.url.split('?')[0]}`, code: 'NOT_FOUND' });
  });
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof DomainError) {
      // A refusal that says when to come back (a throttled login) says it in Retry-After too.
      const retryAfter = err.details?.retryAfterSeconds;
      if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
      return reply.code(HTTP_STATUS[err.code]).send({ error: err.message, code: err.code, ...err.details });
    }
    if (err.validation) {
      // One rule: a request that was read but whose content is refused (by its schema here, or by
      // a decider's rule) is VALIDATION_ERROR; BAD_REQUEST is for one that cannot be read at all.
      // The message already names the field ("body/events/1/headers/X-N must be string").
      return reply.code(400).send({ error: err.message, code: 'VALIDATION_ERROR' });
    }
    if (err.statusCode === 413) return reply.code(413).send({ error: 'request body is too large', code: 'PAYLOAD_TOO_LARGE' });
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.code(err.statusCode).send({ error: err.message, code: err.statusCode === 404 ? 'NOT_FOUND' : 'BAD_REQUEST' });
    }
    // Data of a workspace whose keys were destroyed (GDPR erasure) is gone: as if it never was.
    if (isErased(err)) return reply.code(404).send({ error: 'not found (erased)', code: 'NOT_FOUND' });
    if (isTooLargeForTheLog(err)) {
      return reply.code(413).send({ error: 'the events are larger than the event log accepts in one request; send fewer or smaller events', code: 'PAYLOAD_TOO_LARGE' });
    }
    if (isUnavailable(err)) {
      req.log.warn({ err }, 'dependency unavailable');
      return reply.code(503).header('retry-after', '1').send({ error: 'a dependency is unavailable, retry shortly', code: 'SERVICE_UNAVAILABLE' });
    }
    req.log.error({ err }, 'unhandled error');
    return reply.code(500).send({ error: 'internal error', code: 'INTERNAL_ERROR' });
  });
}
