import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childWithSink } from '../../../test/support/child.ts';
import { api, eventually, signup } from '../../../test/support/mittr.ts';
import { OtlpCollector, type CollectedSpan } from '../../../test/support/otlp-collector.ts';
import type { Received } from '../../../test/support/sink.ts';

/** A W3C traceparent's fields (version 00). */
function parseTraceparent(value: unknown): { traceId: string; parentId: string; flags: string } {
  const m = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(String(value));
  if (!m) throw new Error(`not a traceparent: ${String(value)}`);
  return { traceId: m[1]!, parentId: m[2]!, flags: m[3]! };
}

/**
 * `mittr all` as operators run it (the API on the main thread, router and engine on the
 * processing thread, each with its own tracer provider), exporting to a real OTLP/HTTP receiver
 * on loopback: one trace runs from the POST through the append, the router and the engine's
 * attempt to its HTTP request, carried across Kafka in record headers, and the receiver gets a
 * traceparent naming that request's span.
 */
describe('OpenTelemetry traces (OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  const collector = new OtlpCollector();
  const env: Record<string, string> = { OTEL_SERVICE_NAME: 'mittr-e2e', OTEL_BSP_SCHEDULE_DELAY: '200' };
  const harness = childWithSink({ env });
  let call: ReturnType<typeof api>;
  let flaky = 0;

  beforeAll(async () => {
    env.OTEL_EXPORTER_OTLP_ENDPOINT = await collector.start();
    // /flaky fails its first request with a 500, then succeeds.
    harness.sink.responder = (r) => (r.url === '/flaky' && ++flaky === 1 ? { status: 500, body: 'boom' } : { status: 200, body: 'OK' });
    const { child } = await harness.start();
    call = api(child.url, (await signup(child.url)).apiKey);
  });
  afterAll(() => collector.stop());

  const deliveriesOf = (eventId: string, n = 1): Promise<Received[]> =>
    harness.sink.waitFor((all) => all.filter((r) => r.headers['x-mittr-event-id'] === eventId).length >= n, 30_000)
      .then((all) => all.filter((r) => r.headers['x-mittr-event-id'] === eventId));
  /** The trace's spans once it holds `count` of each name (bounded). */
  const spansOf = (traceId: string, count: Record<string, number>): Promise<CollectedSpan[]> => eventually(async () => {
    const spans = collector.trace(traceId);
    return Object.entries(count).every(([name, n]) => spans.filter((s) => s.name === name).length >= n) ? spans : null;
  }, 20_000);
  const one = (spans: CollectedSpan[], name: string) => {
    const found = spans.filter((s) => s.name === name);
    expect(found, name).toHaveLength(1);
    return found[0]!;
  };

  it('one trace from the POST to the receiver, each span the child of the one before, and the receiver gets its traceparent', async () => {
    const sent = await call('POST', '/api/v1/events', { destination: `${harness.sinkUrl()}/ok`, payload: { n: 1 } }, { 'x-idempotency-key': 'one' });
    expect(sent.status).toBe(201);
    const [got] = await deliveriesOf(sent.body.id);
    const received = parseTraceparent(got!.headers.traceparent);
    expect(received.flags).toBe('01');
    const spans = await spansOf(received.traceId, { 'POST /api/v1/events': 1, append: 1, route: 1, attempt: 1, POST: 1 });
    const server = one(spans, 'POST /api/v1/events');
    const append = one(spans, 'append');
    const route = one(spans, 'route');
    const attempt = one(spans, 'attempt');
    const client = one(spans, 'POST');
    expect([server.kind, append.kind, route.kind, attempt.kind, client.kind]).toEqual(['server', 'producer', 'consumer', 'consumer', 'client']);
    expect(server.parentSpanId).toBe('');
    expect(append.parentSpanId).toBe(server.spanId);
    expect(route.parentSpanId).toBe(append.spanId);
    expect(attempt.parentSpanId).toBe(route.spanId);
    expect(client.parentSpanId).toBe(attempt.spanId);
    expect(received.parentId).toBe(client.spanId);
    expect(server.attributes).toMatchObject({ 'http.route': '/api/v1/events', 'http.response.status_code': 201 });
    expect(route.attributes).toMatchObject({ 'mittr.event_id': sent.body.id, 'mittr.destinations': 1 });
    expect(attempt.attributes).toMatchObject({ 'mittr.event_id': sent.body.id, 'mittr.attempt': 1, 'mittr.disposition': 'delivered' });
    expect(client.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.response.status_code': 200, 'url.full': `${harness.sinkUrl()}/ok` });
    expect(client.status).toBe('unset');
    // The API's spans come from the main thread's provider, the router's and engine's from the processing thread's.
    expect(server.resource).toMatchObject({ 'service.name': 'mittr-e2e', 'mittr.roles': 'api' });
    expect(String(attempt.resource['mittr.roles'])).toContain('deliver');
    expect(collector.paths.every((p) => p === '/v1/traces')).toBe(true);
  });

  it("continues the caller's trace, and each attempt of a retried delivery is a child of the routing, with its status and error category", async () => {
    const callerTrace = randomBytes(16).toString('hex');
    const callerSpan = randomBytes(8).toString('hex');
    const sent = await call('POST', '/api/v1/events', { destination: `${harness.sinkUrl()}/flaky`, payload: { n: 2 }, maxAttempts: 3 },
      { 'x-idempotency-key': 'two', traceparent: `00-${callerTrace}-${callerSpan}-01` });
    expect(sent.status).toBe(201);
    const got = await deliveriesOf(sent.body.id, 2);
    expect(got.map((r) => parseTraceparent(r.headers.traceparent).traceId)).toEqual([callerTrace, callerTrace]);
    const spans = await spansOf(callerTrace, { 'POST /api/v1/events': 1, route: 1, attempt: 2, POST: 2 });
    expect(one(spans, 'POST /api/v1/events').parentSpanId).toBe(callerSpan);
    const route = one(spans, 'route');
    const attempts = spans.filter((s) => s.name === 'attempt').sort((a, b) => Number(a.attributes['mittr.attempt']) - Number(b.attributes['mittr.attempt']));
    expect(attempts.map((a) => [a.parentSpanId, a.attributes['mittr.attempt'], a.attributes['mittr.disposition'], a.status]))
      .toEqual([[route.spanId, 1, 'retry', 'error'], [route.spanId, 2, 'delivered', 'unset']]);
    const clients = attempts.map((a) => spans.find((s) => s.name === 'POST' && s.parentSpanId === a.spanId)!);
    expect(clients[0]!.attributes).toMatchObject({ 'http.response.status_code': 500, 'mittr.error_category': '5xx', 'error.type': '500' });
    expect(clients[0]!.status).toBe('error');
    expect(clients[1]!.attributes).toMatchObject({ 'http.response.status_code': 200 });
    expect(got.map((r) => parseTraceparent(r.headers.traceparent).parentId)).toEqual(clients.map((c) => c.spanId));
  });

  it("a batch is one request span and one append, with a routing and an attempt per event; mittr's traceparent replaces an event's own", async () => {
    const foreign = { Traceparent: `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01` };
    const sent = await call('POST', '/api/v1/events/batch', { events: [1, 2].map((n) => ({
      destination: `${harness.sinkUrl()}/batch`, payload: { n }, idempotencyKey: `b-${n}`, ...(n === 2 ? { headers: foreign } : {}),
    })) });
    expect(sent.status).toBe(201);
    const got = await Promise.all(sent.body.events.map((e: { id: string }) => deliveriesOf(e.id).then((r) => r[0]!)));
    const [a, b] = got.map((r) => parseTraceparent(r.headers.traceparent));
    expect(a!.traceId).toBe(b!.traceId);
    // One traceparent reached the receiver (two would arrive joined and not parse), and it is mittr's.
    expect(foreign.Traceparent).not.toContain(b!.traceId);
    const spans = await spansOf(a!.traceId, { 'POST /api/v1/events/batch': 1, append: 1, route: 2, attempt: 2, POST: 2 });
    const append = one(spans, 'append');
    expect(append.parentSpanId).toBe(one(spans, 'POST /api/v1/events/batch').spanId);
    expect(append.attributes['messaging.batch.message_count']).toBe(2);
    const routes = spans.filter((s) => s.name === 'route');
    expect(routes.map((r) => r.parentSpanId)).toEqual([append.spanId, append.spanId]);
    expect(new Set(routes.map((r) => r.attributes['mittr.event_id']))).toEqual(new Set(sent.body.events.map((e: { id: string }) => e.id)));
    harness.passed();
  });
});
