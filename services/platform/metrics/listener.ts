import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metrics } from './registry.ts';
import { bearerMatches, UNAUTHORIZED } from './token.ts';

export type MetricsListener = { url: string; close(): Promise<void> };

/** An error as every mittr answer renders it: `{error, code}`. */
function fail(res: ServerResponse, status: number, code: string, error: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify({ error, code }));
}

/**
 * GET /metrics for a process without the API (`mittr deliver`, ...), which has no HTTP server
 * of its own to be scraped on: a bare node:http listener on MITTR_METRICS_PORT serving this
 * mittr's registry to the same bearer token as the API's /metrics, and nothing else (404). It
 * is not Fastify: one route does not need the API's machinery loaded into an engine process.
 */
export async function listenForMetrics(metrics: Metrics, { token, port, host }: { token: string; port: number; host: string }): Promise<MetricsListener> {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) return fail(res, 404, 'NOT_FOUND', `no route for ${req.method} ${path.slice(0, 100)}`);
    if (!bearerMatches(req.headers.authorization, token)) return fail(res, 401, 'UNAUTHORIZED', UNAUTHORIZED.error, { 'www-authenticate': UNAUTHORIZED.challenge });
    const body = await metrics.exposition();
    res.writeHead(200, { 'content-type': metrics.contentType }).end(req.method === 'HEAD' ? undefined : body);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => { if (!res.headersSent) fail(res, 503, 'SERVICE_UNAVAILABLE', 'the metrics could not be collected'); else res.destroy(); });
  });
  // A scraper's idle connection does not hold the process open when it stops.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}
