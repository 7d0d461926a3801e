import { defineCapability } from '../platform/capability.ts';

/**
 * The dashboard and the embedded portal: the front end in web/, built to web/dist
 * (scripts/build-web) and served by mittr itself, so it works offline and needs no CDN. It writes
 * no events and keeps no read model: every page calls the API it documents.
 */
export const dashboard = defineCapability<never>({
  name: 'dashboard',
  messageTypes: [],
  publicRoutes: async () => [(await import('./routes.ts')).dashboardRoutes],
});
