import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { OtelTracing } from './otel.ts';

/** The hooks' implementation over the SDK, its spans read back from the SDK's own in-memory exporter. */
describe('OtelTracing', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracing = new OtelTracing(provider.getTracer('spec'));
  afterEach(() => exporter.reset());
  const finished = (name: string) => exporter.getFinishedSpans().find((s) => s.name === name)!;

  it('carries a span in W3C headers, and a span started from them is its child in the same trace', () => {
    const parent = tracing.start('parent', 'producer');
    const headers = parent.headers;
    expect(headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const child = tracing.start('child', 'consumer', tracing.fromRecord({ traceparent: Buffer.from(headers.traceparent!) }));
    child.end();
    parent.end();
    const [p, c] = [finished('parent'), finished('child')];
    expect(c.spanContext().traceId).toBe(p.spanContext().traceId);
    expect(c.parentSpanContext?.spanId).toBe(p.spanContext().spanId);
  });

  it('keeps the tracestate a record carries', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const carried = tracing.fromRecord({ traceparent, tracestate: [Buffer.from('congo=t61rcWkgMzE')] });
    expect(carried).toEqual({ traceparent, tracestate: 'congo=t61rcWkgMzE' });
    const span = tracing.start('s', 'consumer', carried);
    expect(span.headers.tracestate).toBe('congo=t61rcWkgMzE');
    expect(span.headers.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-/);
    span.end();
  });

  it('starts a new trace when a record carries no context or a malformed one', () => {
    expect(tracing.fromRecord(undefined)).toBeUndefined();
    expect(tracing.fromRecord({ 'mittr-type': 'EventAccepted' })).toBeUndefined();
    const span = tracing.start('root', 'consumer', tracing.fromRecord({ traceparent: 'not-a-traceparent' }));
    span.end();
    expect(finished('root').parentSpanContext).toBeUndefined();
    expect(finished('root').spanContext().traceId).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
  });

  it('records failures and attributes', () => {
    const span = tracing.start('POST', 'client', undefined, { 'http.request.method': 'POST' });
    span.set({ 'http.response.status_code': 503 });
    span.fail('answered 503');
    span.end();
    const s = finished('POST');
    expect(s.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.response.status_code': 503 });
    expect(s.status).toMatchObject({ code: 2, message: 'answered 503' });
  });
});
