import { AsyncLocalStorage } from 'node:async_hooks';
import {
  defaultTextMapGetter, defaultTextMapSetter, ROOT_CONTEXT, SpanKind as Kind, SpanStatusCode, trace,
  type Span as OtelSpan, type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IHeaders } from 'kafkajs';
import type { Attributes, Span, SpanKind, TraceCarrier, TraceHeaders, Tracing } from './tracing.ts';

const KINDS: Record<SpanKind, Kind> = {
  server: Kind.SERVER, client: Kind.CLIENT, producer: Kind.PRODUCER, consumer: Kind.CONSUMER, internal: Kind.INTERNAL,
};
const propagator = new W3CTraceContextPropagator();
/** Probes and scrapes are not traced: they would drown the requests that do something. */
const UNTRACED = /^\/(?:health|metrics)\b/;

class OtelBackedSpan implements Span {
  readonly inner: OtelSpan;
  private carried?: TraceHeaders;
  constructor(inner: OtelSpan) {
    this.inner = inner;
  }

  get headers(): TraceHeaders {
    if (!this.carried) {
      const carrier: TraceHeaders = {};
      propagator.inject(trace.setSpan(ROOT_CONTEXT, this.inner), carrier, defaultTextMapSetter);
      this.carried = carrier;
    }
    return this.carried;
  }

  set(attributes: Attributes): void {
    this.inner.setAttributes(attributes);
  }

  fail(message: string): void {
    this.inner.setStatus({ code: SpanStatusCode.ERROR, message });
  }

  end(): void {
    this.inner.end();
  }
}

const first = (v: Buffer | string | (Buffer | string)[] | undefined) => (Array.isArray(v) ? v[0] : v)?.toString();

/**
 * The hooks' implementation over an OpenTelemetry tracer. Parents are passed explicitly (a span,
 * or the headers of a record or a request), never through a global context manager: the one
 * implicit context is the API request's server span, kept in an AsyncLocalStorage of its own for
 * the commands that append records while serving it.
 */
export class OtelTracing implements Tracing {
  private readonly tracer: Tracer;
  private readonly requests = new AsyncLocalStorage<OtelBackedSpan>();

  constructor(tracer: Tracer) {
    this.tracer = tracer;
  }

  start(name: string, kind: SpanKind, parent?: Span | TraceCarrier, attributes?: Attributes): Span {
    const context = parent instanceof OtelBackedSpan ? trace.setSpan(ROOT_CONTEXT, parent.inner)
      : parent ? propagator.extract(ROOT_CONTEXT, parent, defaultTextMapGetter) : ROOT_CONTEXT;
    return new OtelBackedSpan(this.tracer.startSpan(name, { kind: KINDS[kind], attributes }, context));
  }

  fromRecord(headers: IHeaders | undefined): TraceHeaders | undefined {
    const traceparent = first(headers?.traceparent);
    if (!traceparent) return undefined;
    const tracestate = first(headers?.tracestate);
    return tracestate ? { traceparent, tracestate } : { traceparent };
  }

  current(): Span | undefined {
    return this.requests.getStore();
  }

  instrument(app: FastifyInstance): void {
    const spans = new WeakMap<FastifyRequest, OtelBackedSpan>();
    const end = (req: FastifyRequest, status?: number) => {
      const span = spans.get(req);
      if (!span) return;
      spans.delete(req);
      if (status === undefined) span.fail('the client went away before the answer');
      else {
        span.set({ 'http.response.status_code': status });
        if (status >= 500) span.fail(`answered ${status}`);
      }
      span.end();
    };
    // A callback hook: the rest of the request (later hooks, handler, commands) runs inside `run`.
    app.addHook('onRequest', (req, _reply, done) => {
      const route = req.routeOptions.url;
      // A WebSocket upgrade lives as long as its socket: no span for it.
      if (!route || UNTRACED.test(route) || req.headers.upgrade) return done();
      const span = this.start(`${req.method} ${route}`, 'server', req.headers, {
        'http.request.method': req.method, 'http.route': route, 'url.path': req.url.split('?')[0]!,
      }) as OtelBackedSpan;
      spans.set(req, span);
      this.requests.run(span, done);
    });
    app.addHook('onResponse', (req, reply, done) => { end(req, reply.statusCode); done(); });
    app.addHook('onRequestAbort', (req, done) => { end(req); done(); });
  }
}
