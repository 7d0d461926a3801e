import type { FastifyRequest } from 'fastify';
import type { ApiContext } from '../platform/http/context.ts';
import { portalFrameAncestors } from '../../projections/sub-accounts/queries.ts';

/**
 * Who may frame a portal page (the dashboard serves it with `frame-ancestors` of these): the
 * sub-account's `allowedOrigins`, found by the page's exchange token (`?token=`, not consumed)
 * or, once exchanged, by the sub-account the page names (`?sa=`, so a reload inside the iframe is
 * framed too; the origins are no secret, the framing page is one of them). Otherwise nobody.
 */
export function portalFrameAncestorsOf(ctx: ApiContext) {
  const subAccounts = ctx.store.state.subAccounts;
  return async (req: FastifyRequest): Promise<readonly string[]> => {
    const q = req.query as { token?: unknown; sa?: unknown };
    if (typeof q.token === 'string' && q.token) return (await portalFrameAncestors(ctx.db, subAccounts, q.token)) ?? [];
    if (typeof q.sa !== 'string') return [];
    const s = subAccounts.get(q.sa.toLowerCase());
    return s && !s.deleted ? s.definition.allowedOrigins : [];
  };
}
