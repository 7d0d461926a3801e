import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config.ts';
import { buildApp, type ApiSurface } from './app.ts';
import type { ApiContext } from './context.ts';

/** Builds the app and listens on the configured host and port. */
export async function startServer(ctx: ApiContext, surface: ApiSurface, config: Config): Promise<FastifyInstance> {
  const app = await buildApp(ctx, surface);
  await app.listen({ host: config.host, port: config.port });
  return app;
}
