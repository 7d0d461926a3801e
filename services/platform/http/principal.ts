/** The caller a request was authenticated as (services/accounts/authenticate.ts resolves it). */
export type Principal = { accountId: string; projectId: string };

declare module 'fastify' {
  interface FastifyRequest { principal: Principal }
}
