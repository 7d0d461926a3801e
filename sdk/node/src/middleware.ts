import type { IncomingMessage, ServerResponse } from 'node:http';
import { verifyWebhook, type VerifyResult } from './webhooks.ts';

type Options = { secret: string; toleranceSec?: number };
type Req = IncomingMessage & { body?: unknown; rawBody?: Buffer; mittr?: VerifyResult };

function readRaw(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Express middleware: mount it before any body parser on the webhook route. It reads the raw
 * body, verifies it, answers 401 `{error, code}` when it does not verify, and otherwise sets
 * `req.rawBody` (a Buffer), `req.body` (parsed JSON, or the text) and `req.mittr` (the verdict).
 */
export function expressWebhook(o: Options) {
  return (req: Req, res: ServerResponse, next: (err?: unknown) => void) => {
    const raw = Buffer.isBuffer(req.body) ? Promise.resolve(req.body) : readRaw(req);
    raw.then((body) => {
      const verdict = verifyWebhook({ secret: o.secret, headers: req.headers, body, toleranceSec: o.toleranceSec });
      if (!verdict.valid) {
        res.statusCode = 401;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ error: `webhook signature: ${verdict.reason}`, code: 'INVALID_SIGNATURE' }));
        return;
      }
      req.rawBody = body;
      req.mittr = verdict;
      const text = body.toString('utf8');
      try { req.body = JSON.parse(text); } catch { req.body = text; }
      next();
    }, next);
  };
}

type FastifyLike = {
  addContentTypeParser(type: string, opts: { parseAs: 'buffer' }, parser: (req: unknown, body: Buffer, done: (err: Error | null, body?: unknown) => void) => void): void;
  addHook(name: 'preHandler', hook: (req: { headers: IncomingMessage['headers']; rawBody?: Buffer; body?: unknown }, reply: { code(n: number): { send(b: unknown): unknown } }) => Promise<unknown>): void;
};

/**
 * A Fastify plugin for the webhook routes it is registered around: keeps each JSON body's raw
 * bytes (`req.rawBody`), verifies them before the handler, and answers 401 when they do not verify.
 * Register it in an encapsulated context (`app.register(async (s) => { await fastifyWebhook(o)(s); s.post(...) })`).
 */
export function fastifyWebhook(o: Options) {
  return async (app: FastifyLike) => {
    app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
      (req as { rawBody?: Buffer }).rawBody = body;
      try { done(null, body.length ? JSON.parse(body.toString('utf8')) : undefined); } catch (err) { done(err as Error); }
    });
    app.addHook('preHandler', async (req, reply) => {
      const verdict = verifyWebhook({ secret: o.secret, headers: req.headers, body: req.rawBody ?? Buffer.alloc(0), toleranceSec: o.toleranceSec });
      if (!verdict.valid) return reply.code(401).send({ error: `webhook signature: ${verdict.reason}`, code: 'INVALID_SIGNATURE' });
      return undefined;
    });
  };
}
