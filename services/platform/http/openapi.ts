import { readFileSync } from 'node:fs';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import type { ApiTag } from '../capability.ts';
import { Type } from 'typebox';
import { contract, methodErrors } from './contract.ts';

/** mittr's version, from the package.json beside the source (or beside the compiled build). */
function version(): string {
  for (const path of ['../../../package.json', '../../../../package.json']) {
    try { return (JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as { version: string }).version; } catch { /* next */ }
  }
  return '0.0.0';
}

const DESCRIPTION = `mittr's REST API. Every error answers \`{error, code}\`: \`error\` for people, \`code\` for programs.
Lists answer \`{data, pagination: {hasMore, cursor}}\`; pass \`cursor\` back to continue.
Authenticate with the \`X-API-Key\` header. Each operation names the API-key scope it needs
(\`x-mittr-scope\`; a key without it gets 403 INSUFFICIENT_SCOPE) and the least role a workspace member calling it must hold (\`x-mittr-role\`:
viewer < editor < admin). A session cookie (POST /auth/login) works as well as a key; a change made with it
needs its X-CSRF-Token. \`X-Project-ID\` scopes any /api/v1 request to one of the workspace's projects.`;

export type ServedRoute = { method: string; url: string; hidden: boolean };
const SERVED = new WeakMap<FastifyInstance, ServedRoute[]>();
/** Every route the app serves, as registered (HEAD routes Fastify adds for GETs included). */
export const servedRoutes = (app: FastifyInstance): readonly ServedRoute[] => SERVED.get(app) ?? [];

/**
 * The OpenAPI 3.1 document, generated from the route schemas as the routes register (so this is
 * registered before them): served at GET /openapi.json, browsable at /docs.
 */
export async function installOpenApi(app: FastifyInstance, tags: readonly ApiTag[]): Promise<void> {
  const served: ServedRoute[] = [];
  SERVED.set(app, served);
  app.addHook('onRoute', (r) => {
    const response = (r.schema as { response?: Record<string, unknown> } | undefined)?.response;
    if (response) for (const method of [r.method].flat()) methodErrors(method, response);
    for (const method of [r.method].flat()) served.push({ method, url: r.url, hidden: Boolean((r.schema as { hide?: boolean } | undefined)?.hide) });
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'mittr', version: version(), description: DESCRIPTION },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
          session: { type: 'apiKey', in: 'cookie', name: 'mittr_session', description: 'From POST /auth/login; changes also need X-CSRF-Token' },
          metricsToken: { type: 'http', scheme: 'bearer', description: 'MITTR_METRICS_TOKEN, for GET /metrics' },
          scimToken: { type: 'http', scheme: 'bearer', description: 'A SCIM token from POST /api/v1/scim/tokens, for /scim/v2' },
          portalSession: { type: 'http', scheme: 'bearer', description: 'A portal session token from POST /sub-account-api/auth/exchange, for /sub-account-api' },
        },
      },
      // Each capability's tags, and the platform's own.
      tags: [...tags, { name: 'Operations', description: 'Health, metrics and this document' }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', {
    schema: contract({ tag: 'Operations', summary: 'This document: OpenAPI 3.1, generated from the route schemas', access: 'public' },
      { response: { 200: Type.Record(Type.String(), Type.Unknown(), { description: 'The OpenAPI document' }) } }),
  }, async () => app.swagger());
}
