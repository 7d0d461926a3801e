import type { FastifyError, FastifyInstance } from 'fastify';
import { DomainError, type ErrorCode } from '../domain/errors/errors.ts';

/** The one table from domain error codes to HTTP statuses. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400, VALIDATION_ERROR: 400, BATCH_TOO_LARGE: 400, UNAUTHORIZED: 401, QUOTA_EXCEEDED: 402,
  FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409, INVALID_STATE: 409, DUPLICATE_EVENT: 409,
  PAYLOAD_TOO_LARGE: 413, RATE_LIMITED: 429, INTERNAL_ERROR: 500, SERVICE_UNAVAILABLE: 503,
};

type ErrorLike = { name?: string; code?: string; type?: string; message?: string; cause?: unknown };

/** True when `err` or an error in its cause chain is one `test` recognizes. */
function inCauses(err: unknown, test: (e: ErrorLike) => boolean): boolean {
  const seen = new Set<unknown>();
  for (let e = err; e !== undefined && e !== null && !seen.has(e); e = (e as ErrorLike).cause) {
    seen.add(e);
    if (test(e as ErrorLike)) return true;
  }
  return false;
}

/** Errors of Kafka, Postgres or the registry being unreachable: the caller may retry. */
const isUnavailable = (err: unknown) => inCauses(err, (e) =>
  /^KafkaJS/.test(e.name ?? '') || e.name === 'ConnectionError' || e.code === 'ECONNREFUSED' || e.code === 'ECONNRESET'
  || e.name === 'BackendTerminatedError'
  // Postgres: connection exceptions (08xxx), operator intervention such as a shutdown or a
  // restart in progress (57xxx), too many connections (53300).
  || (typeof e.code === 'string' && /^(08|57)[0-9A-Z]{3}$|^53300$/.test(e.code))
  || /ECONNREFUSED|ECONNRESET|Connection terminated|timeout exceeded when trying to connect|the database system is/.test(e.message ?? ''));

/** Kafka refused records larger than its `message.max.bytes`: retrying the same request cannot help. */
const isTooLargeForTheLog = (err: unknown) => inCauses(err, (e) =>
  e.type === 'MESSAGE_TOO_LARGE' || /message larger than the max message size/.test(e.message ?? ''));

/** Renders every error as `{error, code}`; 5xx never leak internals. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({ error: `no route for ${req.method} ${req.url.split('?')[0]}`, code: 'NOT_FOUND' });
  });
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof DomainError) {
      return reply.code(HTTP_STATUS[err.code]).send({ error: err.message, code: err.code, ...err.details });
    }
    if (err.validation) {
      return reply.code(400).send({ error: `${err.validationContext ?? 'request'} ${err.message}`.trim(), code: 'BAD_REQUEST' });
    }
    if (err.statusCode === 413) return reply.code(413).send({ error: 'request body is too large', code: 'PAYLOAD_TOO_LARGE' });
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.code(err.statusCode).send({ error: err.message, code: err.statusCode === 404 ? 'NOT_FOUND' : 'BAD_REQUEST' });
    }
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
