import type { FastifyReply } from 'fastify';
import type { ErrorDialect } from '../platform/capability.ts';
import { ERROR_SCHEMA, SCIM_CONTENT_TYPE } from './contract.ts';

/** RFC 7644 §3.12: the error body every /scim/v2 refusal answers with. */
export function sendScimError(reply: FastifyReply, status: number, detail: string, scimType?: string) {
  return reply.code(status).type(SCIM_CONTENT_TYPE).send({ schemas: [ERROR_SCHEMA], status: String(status), ...(scimType ? { scimType } : {}), detail });
}

/** The router's refusals under /scim/v2 (before any SCIM route's own handler runs), as an identity provider's client reads them. */
export const scimErrorDialect: ErrorDialect = { prefix: '/scim/v2/', send: (reply, status, error) => { sendScimError(reply, status, error); } };
