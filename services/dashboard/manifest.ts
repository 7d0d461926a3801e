import type { ApiContext } from '../platform/http/context.ts';
import { defineCapability } from '../platform/capability.ts';

/**
 * The dashboard and the embedded portal: the front end in web/, built to web/dist
 * (scripts/build-web) and served by mittr itself, so it works offline and needs no CDN. It writes
 * no events and keeps no read model: every page calls the API it documents. Portal pages are
 * framed by the origins the sub-accounts room names.
 */
export const dashboard = defineCapability<never>({
  name: 'dashboard',
  messageTypes: [],
  publicRoutes: async () => {
    const [{ dashboardRoutes }, { portalFrameAncestorsOf }] = await Promise.all([import('./routes.ts'), import('../sub-accounts/frame-ancestors.ts')]);
    return [(ctx: ApiContext) => dashboardRoutes(ctx, portalFrameAncestorsOf(ctx))];
  },
});
