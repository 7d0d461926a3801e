/** The caller a request was authenticated as (services/accounts/authenticate.ts resolves it). */
export type Principal = { accountId: string; projectId: string };

/** What the caller authenticated with: the API key, and the scopes it holds (services/platform/domain/scopes.ts). */
export type Credential = { keyId: string; scopes: readonly string[] };

declare module 'fastify' {
  interface FastifyRequest { principal: Principal; credential: Credential }
}
