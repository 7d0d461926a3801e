import type { FastifyRequest } from 'fastify';
import { DomainError } from '../platform/domain/errors.ts';
import { hashApiKey } from '../platform/security/secrets.ts';
import type { Credential, Principal } from '../platform/http/principal.ts';
import type { ConfigStore } from '../platform/state/config-store.ts';


/**
 * Resolves the caller from X-API-Key (or `Authorization: Bearer mtr_...`) and scopes it to a
 * project: the account's default, or X-Project-ID when it names one of the account's projects.
 * A revoked key is unknown to every process as soon as it folds the revocation; an expired one
 * is refused by the clock.
 */
export function authenticate(store: ConfigStore, req: FastifyRequest, now = Date.now()): { principal: Principal; credential: Credential } {
  const header = req.headers['x-api-key'];
  const bearer = req.headers.authorization?.match(/^Bearer\s+(mtr_\S+)$/)?.[1];
  const key = (Array.isArray(header) ? header[0] : header) ?? bearer;
  if (!key) throw new DomainError('UNAUTHORIZED', 'missing API key: send X-API-Key');
  const hash = hashApiKey(key);
  const found = store.state.accounts.key(hash);
  const account = store.state.accounts.byKeyHash(hash);
  if (!found || !account) throw new DomainError('UNAUTHORIZED', 'invalid API key');
  if (found.expiresAt !== null && found.expiresAt <= now) throw new DomainError('UNAUTHORIZED', 'the API key has expired');
  const project = req.headers['x-project-id'];
  if (project !== undefined && project !== account.projectId) throw new DomainError('NOT_FOUND', 'project not found');
  return { principal: { accountId: account.accountId, projectId: account.projectId }, credential: { keyId: found.keyId, scopes: found.scopes } };
}
