import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/config.ts';
import { buildApp } from './app.ts';
import type { ApiContext } from './context.ts';

/** Builds the app and listens on the configured host and port. */
export async function startServer(ctx: ApiContext, config: Config): Promise<FastifyInstance> {
  const app = await buildApp(ctx);
  await app.listen({ host: config.host, port: config.port });
  return app;
}
