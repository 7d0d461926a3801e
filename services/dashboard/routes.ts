import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { join } from 'node:path';
import type { ApiContext } from '../platform/http/context.ts';
import { distDirectory, indexHtml } from './files.ts';
import { contentSecurityPolicy, isFrameableOrigin } from './security.ts';

/** The pages mittr serves as the dashboard's: its own, and the mailed links' targets (services/accounts mails /verify-email, /reset-password and /accept-invite). */
export const DASHBOARD_PAGES = ['/', '/ui', '/ui/*', '/verify-email', '/reset-password', '/accept-invite', '/portal', '/portal/*'] as const;
/** Paths the dashboard serves that are pages and assets, not API operations (the OpenAPI document leaves them out). */
export const isDashboardPath = (url: string) => url === '/' || /^\/(ui|portal|verify-email|reset-password|accept-invite)(\/|$)/.test(url);

/** Who may frame a portal page; the sub-accounts room answers it (empty: nobody else). */
export type FrameAncestors = (req: FastifyRequest) => Promise<readonly string[]>;
const noAncestors: FrameAncestors = async () => [];

/** The front end: pages at the paths above (one index.html, whose router reads the path), assets under /ui/assets/. */
export function dashboardRoutes(_ctx: ApiContext, frameAncestors: FrameAncestors = noAncestors): FastifyPluginAsyncTypebox {
  const dist = distDirectory();
  return async (app) => {
    const page = async (req: FastifyRequest, reply: FastifyReply) => {
      if (!dist) {
        return reply.code(503).send({ error: 'the dashboard is not built: `npm run up` builds it (or bash scripts/build-web)', code: 'DASHBOARD_NOT_BUILT' });
      }
      const portal = req.url.startsWith('/portal');
      const ancestors = portal ? (await frameAncestors(req)).filter(isFrameableOrigin) : [];
      return reply.header('content-security-policy', contentSecurityPolicy(ancestors, portal))
        .header('x-content-type-options', 'nosniff').header('referrer-policy', 'no-referrer')
        .header('cache-control', 'no-store').type('text/html; charset=utf-8').send(await indexHtml(dist));
    };
    const hide = { schema: { hide: true } };
    app.get('/', hide, async (_req, reply) => reply.redirect('/ui/events'));
    for (const path of DASHBOARD_PAGES.filter((p) => p !== '/')) app.get(path, hide, page);
    // Hashed file names: cached for good.
    if (dist) await app.register(fastifyStatic, { root: join(dist, 'assets'), prefix: '/ui/assets/', immutable: true, maxAge: '365d', decorateReply: false, index: false });
  };
}
