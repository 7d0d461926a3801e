import type { FastifyInstance, onResponseHookHandler } from 'fastify';
import { Histogram, type Registry } from 'prom-client';
import { boundChildren } from './registry.ts';

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The API's request latency, by route pattern (`/api/v1/events/:id`, never the raw URL: ids are
 * not labels), method and status code. Each route gets its own response hook as it registers
 * (so this is installed before the routes), with its children bound by method and status: a
 * request costs two map lookups and one observation. A request no route matched counts under
 * `route="unmatched"`.
 */
export function instrumentRequests(app: FastifyInstance, registry: Registry): void {
  const seconds = new Histogram({
    name: 'mittr_http_request_duration_seconds',
    help: 'API requests: time from receiving the request to the end of the response, by route pattern, method and status code',
    labelNames: ['route', 'method', 'status_code'] as const,
    buckets: BUCKETS,
    registers: [registry],
  });
  const observer = (route: string): onResponseHookHandler => {
    const child = boundChildren((method, status) => seconds.labels(route, method, status));
    return (req, reply, done) => {
      child(req.method, String(reply.statusCode)).observe(reply.elapsedTime / 1000);
      done();
    };
  };
  // Fastify makes a GET's HEAD route from the GET's options, hooks included: ours is replaced, not doubled.
  const ours = new WeakSet<onResponseHookHandler>();
  app.addHook('onRoute', (r) => {
    const hook = observer(r.url);
    ours.add(hook);
    r.onResponse = [...[r.onResponse ?? []].flat().filter((h) => !ours.has(h)), hook];
  });
  const unmatched = observer('unmatched');
  app.addHook('onResponse', function (req, reply, done) {
    if (req.is404) return unmatched.call(this, req, reply, done);
    done();
  });
}
