import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, signup, startTestMittr } from '../../../test/support/mittr.ts';
import { RecordingSink, type Received } from '../../../test/support/sink.ts';
import { tracing } from './tracing.ts';

/**
 * Without OTEL_EXPORTER_OTLP_ENDPOINT mittr traces nothing and reads no trace header: a caller's
 * `traceparent` on the POST is not forwarded (README, configuration). A caller who wants its own
 * trace context at the receiver sends it in the event's `headers`, delivered as given.
 */
describe('tracing off (OTEL_EXPORTER_OTLP_ENDPOINT unset)', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  const sink = new RecordingSink();
  let sinkUrl: string;
  let call: ReturnType<typeof api>;

  beforeAll(async () => {
    sinkUrl = await sink.start();
    env = await startTestMittr();
    call = api(env.url, (await signup(env.url)).apiKey);
  });
  afterAll(async () => {
    await env?.stop();
    await sink.stop();
  });

  const deliver = async (key: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Received> => {
    const sent = await call('POST', '/api/v1/events', { destination: `${sinkUrl}/hook`, payload: { key }, ...body }, { 'x-idempotency-key': key, ...headers });
    expect(sent.status).toBe(201);
    const all = await sink.waitFor((r) => r.some((x) => x.headers['x-mittr-event-id'] === sent.body.id));
    return all.find((x) => x.headers['x-mittr-event-id'] === sent.body.id)!;
  };

  it('the hooks are off, and the POST\'s traceparent does not reach the receiver', async () => {
    expect(env.config.otlpEndpoint).toBeUndefined();
    expect(tracing).toBeUndefined();
    const got = await deliver('off-1', {}, { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', tracestate: 'vendor=1' });
    expect(got.headers.traceparent).toBeUndefined();
    expect(got.headers.tracestate).toBeUndefined();
  });

  it("an event's own traceparent header is delivered as given", async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const got = await deliver('off-2', { headers: { traceparent, tracestate: 'congo=t61rcWkgMzE' } });
    expect(got.headers.traceparent).toBe(traceparent);
    expect(got.headers.tracestate).toBe('congo=t61rcWkgMzE');
  });
});
