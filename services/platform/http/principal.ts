import type { Role } from '../domain/roles.ts';
import type { Actor } from './actor.ts';

/** The caller a request was authenticated as (services/accounts/authenticate.ts resolves it). */
export type Principal = { accountId: string; projectId: string };

/**
 * What the caller authenticated with. An API key (keyId) acts with its scopes
 * (services/platform/domain/scopes.ts) and no role; a user's session acts with the user's role in
 * the workspace (services/platform/domain/roles.ts) and every scope.
 */
export type Credential = {
  keyId: string | null; scopes: readonly string[]; userId: string | null; role: Role | null;
  /** The one project a key is bound to; null: any of the workspace's. */
  boundProjectId: string | null;
};

declare module 'fastify' {
  interface FastifyRequest { principal: Principal; credential: Credential; actorSlot: { actor: Actor } }
}
