import cookie from '@fastify/cookie';
import websocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ApiTag, ErrorDialect, RoutesPlugin } from '../capability.ts';
import { clientErrorHandler, frameworkErrorsFor, PARAM_MAX } from './client-errors.ts';
import type { ApiContext } from './context.ts';
import { installErrorHandling } from './errors.ts';
import { healthRoutes } from './health.ts';
import { instrumentRequests } from '../metrics/http.ts';
import { tracing } from '../tracing/tracing.ts';
import { metricsRoutes } from '../metrics/routes.ts';
import { installOpenApi } from './openapi.ts';
import { acceptEmptyJsonBodies } from './json-body.ts';
import { beginRequest } from './actor.ts';
import type { Credential, Principal } from './principal.ts';
import { atLeast, type Role } from '../domain/roles.ts';
import { allows } from '../domain/scopes.ts';
import { DomainError } from '../domain/errors.ts';
import { checkResponses } from './response-check.ts';
import { refuseUnstorableText } from './storable-text.ts';
import { installValidators } from './validators.ts';

/** What the capabilities serve: public routes, routes under /api/v1, and how a caller is authenticated there. */
export type ApiSurface = {
  publicRoutes: RoutesPlugin[];
  routes: RoutesPlugin[];
  /** The OpenAPI tags the routes use. */
  tags: ApiTag[];
  /** Error bodies other than `{error, code}`, by path prefix (SCIM's). */
  errorDialects?: ErrorDialect[];
  authenticate(req: FastifyRequest): Promise<{ principal: Principal; credential: Credential }>;
  /** Admits an authenticated request or refuses it (a rate limit), setting the headers that say so. */
  admit?(req: FastifyRequest, reply: FastifyReply): void;
};

/** Builds the HTTP API (no listen: services/platform/http/server.ts does that). */
export async function buildApp(ctx: ApiContext, surface: ApiSurface): Promise<FastifyInstance> {
  const app = Fastify({
    logger: ctx.config.logLevel === 'silent' ? false : { level: ctx.config.logLevel },
    bodyLimit: 1_048_576,
    logController: new LogController({ disableRequestLogging: true }),
    clientErrorHandler,
    frameworkErrors: frameworkErrorsFor(surface.errorDialects ?? []),
    routerOptions: { maxParamLength: PARAM_MAX },
  }).withTypeProvider<TypeBoxTypeProvider>();
  installValidators(app);
  installErrorHandling(app);
  refuseUnstorableText(app);
  acceptEmptyJsonBodies(app);
  if (ctx.config.checkResponses) checkResponses(app);
  // Before any route registers: each gets its latency hook as it does.
  instrumentRequests(app, ctx.metrics.registry);
  tracing?.instrument(app);
  await app.register(cookie);
  // WebSocket routes (the stats stream): the upgrade request goes through the same hooks as any
  // request, so it is authenticated, scoped and rate limited before the socket opens. A frame
  // from a client is at most 4 KiB (the stream only sends).
  await app.register(websocket, { options: { maxPayload: 4_096 } });
  await installOpenApi(app, surface.tags);
  const plugin = (routes: RoutesPlugin) => routes(ctx as never);
  // Every change a request makes records its actor (services/platform/http/actor.ts): anonymous
  // until authenticated. A callback hook, so the slot holds through the handler.
  app.decorateRequest('actorSlot', null as never);
  app.addHook('onRequest', (req, _reply, done) => { req.actorSlot = beginRequest(req.ip); done(); });
  await app.register(healthRoutes(ctx));
  await app.register(metricsRoutes(ctx));
  for (const routes of surface.publicRoutes) await app.register(plugin(routes));
  await app.register(async (v1) => {
    v1.decorateRequest('principal', null as never);
    v1.decorateRequest('credential', null as never);
    v1.addHook('onRequest', async (req, reply) => {
      ({ principal: req.principal, credential: req.credential } = await surface.authenticate(req));
      const { userId, keyId } = req.credential;
      req.actorSlot.actor = { type: userId !== null ? 'user' : 'api_key', id: userId ?? keyId, address: req.ip };
      // What the route declares in its contract: the scope a key needs, the least role a member needs.
      const declared = req.routeOptions.schema as { 'x-mittr-scope'?: string; 'x-mittr-role'?: Role } | undefined;
      const scope = declared?.['x-mittr-scope'];
      if (scope && !allows(req.credential.scopes, scope)) {
        throw new DomainError('INSUFFICIENT_SCOPE', `this API key lacks the ${scope} scope`, { requiredScope: scope });
      }
      const role = declared?.['x-mittr-role'];
      if (role && req.credential.role !== null && !atLeast(req.credential.role, role)) {
        throw new DomainError('INSUFFICIENT_ROLE', `this needs the ${role} role; you are ${req.credential.role}`, { requiredRole: role });
      }
      surface.admit?.(req, reply);
    });
    for (const routes of surface.routes) await v1.register(plugin(routes));
  }, { prefix: '/api/v1' });
  return app;
}
