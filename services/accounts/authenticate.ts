import type { FastifyRequest } from 'fastify';
import { DomainError } from '../platform/domain/errors.ts';
import { hashApiKey } from '../platform/security/secrets.ts';
import type { Principal } from '../platform/http/principal.ts';
import type { ConfigStore } from '../platform/state/config-store.ts';


/**
 * Resolves the caller from X-API-Key (or `Authorization: Bearer mtr_...`) and scopes it to a
 * project: the account's default, or X-Project-ID when it names one of the account's projects.
 */
export function authenticate(store: ConfigStore, req: FastifyRequest): Principal {
  const header = req.headers['x-api-key'];
  const bearer = req.headers.authorization?.match(/^Bearer\s+(mtr_\S+)$/)?.[1];
  const key = (Array.isArray(header) ? header[0] : header) ?? bearer;
  if (!key) throw new DomainError('UNAUTHORIZED', 'missing API key: send X-API-Key');
  const account = store.state.accounts.byKeyHash(hashApiKey(key));
  if (!account) throw new DomainError('UNAUTHORIZED', 'invalid API key');
  const project = req.headers['x-project-id'];
  if (project !== undefined && project !== account.projectId) throw new DomainError('NOT_FOUND', 'project not found');
  return { accountId: account.accountId, projectId: account.projectId };
}
