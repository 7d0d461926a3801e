import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { authenticate } from './auth.ts';
import type { ApiContext } from './context.ts';
import { installErrorHandling } from './errors.ts';
import { acceptEmptyJsonBodies } from './json-body.ts';
import { refuseUnstorableText } from './storable-text.ts';
import { installValidators } from './validators.ts';
import { authRoutes } from './routes/auth.ts';
import { deliveryRoutes } from './routes/deliveries.ts';
import { endpointRoutes } from './routes/endpoints.ts';
import { eventTypeRoutes } from './routes/event-types.ts';
import { eventRoutes } from './routes/events.ts';
import { healthRoutes } from './routes/health.ts';
import { meRoutes } from './routes/me.ts';
import { pollRoutes } from './routes/poll.ts';
import { clientErrorHandler } from './client-errors.ts';

/** Builds the HTTP API (no listen: services/api/server.ts does that). */
export async function buildApp(ctx: ApiContext): Promise<FastifyInstance> {
  const app = Fastify({
    logger: ctx.config.logLevel === 'silent' ? false : { level: ctx.config.logLevel },
    bodyLimit: 1_048_576,
    logController: new LogController({ disableRequestLogging: true }),
    clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();
  installValidators(app);
  installErrorHandling(app);
  refuseUnstorableText(app);
  acceptEmptyJsonBodies(app);
  await app.register(healthRoutes(ctx));
  await app.register(authRoutes(ctx));
  await app.register(async (v1) => {
    v1.decorateRequest('principal', null as never);
    v1.addHook('onRequest', async (req) => { req.principal = authenticate(ctx.store, req); });
    await v1.register(meRoutes(ctx));
    await v1.register(eventRoutes(ctx));
    await v1.register(deliveryRoutes(ctx));
    await v1.register(endpointRoutes(ctx));
    await v1.register(eventTypeRoutes(ctx));
    await v1.register(pollRoutes(ctx));
  }, { prefix: '/api/v1' });
  return app;
}
