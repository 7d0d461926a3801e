import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Counter } from 'prom-client';
import { Type } from 'typebox';
import type { WebSocket } from 'ws';
import { authenticator } from '../accounts/authenticate.ts';
import { DomainError } from '../platform/domain/errors.ts';
import type { ApiContext } from '../platform/http/context.ts';
import { contract } from '../platform/http/contract.ts';
import { Stats } from './contract.ts';
import { statsSource } from './snapshot.ts';

/** How often a frame is pushed, and the bytes a client may leave unread before it is dropped. */
export type StreamOptions = { everyMs: number; maxUnsentBytes: number };

/**
 * A frame a second. A frame is ~1 KB, so 256 KiB unsent (beyond what the kernel's socket buffers
 * hold) is minutes of frames: the stream never buffers without bound for a client that does not read.
 */
export const STREAM_DEFAULTS: StreamOptions = { everyMs: 1_000, maxUnsentBytes: 256 * 1024 };

/** WebSocket close codes of the stream (4000-4999: the application's own). */
export const CLOSE = { credentialEnded: 4001, tooSlow: 4008, unavailable: 1011 } as const;

const StreamQuery = Type.Object({
  key: Type.Optional(Type.String({ maxLength: 200, description: 'An API key with stats:read, for clients that cannot send X-API-Key (browsers). Or send the session cookie.' })),
});

/**
 * An Origin other than mittr's own (MITTR_PUBLIC_URL) is refused before the upgrade: a page on
 * another site could otherwise open the stream with the visitor's session cookie. A client that
 * sends no Origin (not a browser) is not a cross-site page.
 */
function checkOrigin(ctx: ApiContext, req: FastifyRequest): void {
  const origin = req.headers.origin;
  if (origin === undefined) return;
  if (origin !== new URL(ctx.config.publicUrl).origin) throw new DomainError('FORBIDDEN', `the stream does not accept pages of ${origin.slice(0, 100)}`);
}

/**
 * GET /stats/ws: the project's stats snapshot (GET /stats) pushed every second over a
 * WebSocket. The upgrade request is authenticated and scoped like any request (the /api/v1
 * hooks run before the socket opens); before each frame the credential is checked again, so a
 * revoked key or an ended session closes the stream within a second. A plain GET answers 426.
 */
export function statsStreamRoutes(ctx: ApiContext, options: StreamOptions = { ...STREAM_DEFAULTS, ...ctx.config.statsStream }): FastifyPluginAsyncTypebox {
  const stats = statsSource(ctx);
  const authenticate = authenticator(ctx);
  const dropped = new Counter({
    name: 'mittr_stats_stream_dropped_total', registers: [ctx.metrics.registry],
    help: `Stats stream clients closed for reading too slowly (more than ${options.maxUnsentBytes} bytes left unsent)`,
  });
  return async (app) => {
    app.route({
      method: 'GET',
      url: '/stats/ws',
      schema: contract({
        tag: 'Stats', summary: 'The project\'s stats, pushed every second over a WebSocket',
        description: 'Connect with `Upgrade: websocket` (e.g. `wscat -c "wss://HOST/api/v1/stats/ws?key=mtr_..."`), with X-API-Key, `?key=` or the session cookie. '
          + 'Each text frame is the JSON of GET /api/v1/stats. Closed with 4001 when the key is revoked or expires or the session ends, and 4008 when the client reads too slowly '
          + `(more than ${options.maxUnsentBytes / 1024} KiB unsent). A page of another origin than mittr's is refused (403). A plain GET answers 426.`,
        access: { scope: 'stats:read', role: 'viewer' }, errors: [426],
      }, { querystring: StreamQuery, response: { 101: Type.Unsafe<unknown>({ ...Stats, description: 'Switching Protocols: the stream opens; every text frame is this JSON (as GET /api/v1/stats answers)' }) } }),
      onRequest: async (req) => checkOrigin(ctx, req),
      handler: async () => {
        throw new DomainError('UPGRADE_REQUIRED', 'this is a WebSocket: connect with Upgrade: websocket');
      },
      wsHandler: (socket: WebSocket, req) => {
        const projectId = req.principal.projectId;
        let sending = false;
        const push = async () => {
          if (sending || socket.readyState !== socket.OPEN) return;
          sending = true;
          try {
            try {
              await authenticate(req);
            } catch {
              socket.close(CLOSE.credentialEnded, 'the API key or session is no longer valid');
              return;
            }
            if (socket.bufferedAmount > options.maxUnsentBytes) {
              dropped.inc();
              socket.close(CLOSE.tooSlow, 'the client reads too slowly');
              // A client that reads nothing does not read the close frame either.
              setTimeout(() => socket.terminate(), 2_000).unref();
              return;
            }
            const frame = await stats.snapshot(projectId).catch(() => null);
            if (frame === null) {
              socket.close(CLOSE.unavailable, 'the stats are unavailable, reconnect shortly');
              return;
            }
            if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
          } finally {
            sending = false;
          }
        };
        const timer = setInterval(() => void push(), options.everyMs);
        socket.on('close', () => clearInterval(timer));
        socket.on('error', () => clearInterval(timer));
        // Messages from the client mean nothing to the stream; they are read and dropped.
        socket.on('message', () => undefined);
        void push();
      },
    });
  };
}
