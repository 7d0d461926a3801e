import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorDialect } from '../capability.ts';

/** What the HTTP parser refuses before Fastify sees a request, as every other error: `{error, code}`. */
const ANSWERS: Record<string, { status: number; code: string; error: string }> = {
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'REQUEST_TIMEOUT', error: 'the request did not arrive in time' },
  HPE_HEADER_OVERFLOW: { status: 431, code: 'HEADERS_TOO_LARGE', error: 'the request headers are larger than the server accepts (16 KiB)' },
};
const MALFORMED = { status: 400, code: 'BAD_REQUEST', error: 'the request is not valid HTTP/1.1' };

/**
 * Fastify's `clientErrorHandler`: answers a request the parser refused (control bytes in a header,
 * conflicting lengths, oversized headers, a malformed request line) and closes the connection, as
 * Node and Fastify do. The parser's reason is named (e.g. "Invalid header value char"); nothing else.
 */
export function clientErrorHandler(err: Error & { code?: string; reason?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const known = ANSWERS[err.code ?? ''];
  const answer = known ?? { ...MALFORMED, error: err.reason ? `${MALFORMED.error}: ${err.reason}` : MALFORMED.error };
  const body = JSON.stringify({ error: answer.error, code: answer.code });
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`
      + `Content-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(err);
}

/**
 * Fastify's `frameworkErrors`: what its router refuses before a route is found, as every other
 * error. A path parameter longer than any id or name mittr keeps (PARAM_MAX) names nothing, so it
 * is not found; a path that cannot be decoded (bad percent-encoding) is a bad request. Under a
 * prefix a capability writes its own error body for (an ErrorDialect), that body.
 */
export function frameworkErrorsFor(dialects: readonly ErrorDialect[]) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply): void => {
    const [status, error, code] = err.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? [404, 'no such resource: the path parameter is longer than any id or name', 'NOT_FOUND'] as const
      : [400, 'the request path cannot be decoded', 'BAD_REQUEST'] as const;
    const dialect = dialects.find((d) => req.url.startsWith(d.prefix));
    if (dialect) dialect.send(reply, status, error, code);
    else reply.code(status).send({ error, code });
  };
}

/** The longest path parameter routed: names are up to 255 characters (validated to that by each route). */
export const PARAM_MAX = 300;
