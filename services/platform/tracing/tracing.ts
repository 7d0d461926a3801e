import type { FastifyInstance } from 'fastify';
import type { IHeaders } from 'kafkajs';

/**
 * W3C trace context (https://www.w3.org/TR/trace-context/): the `traceparent` and `tracestate`
 * headers of a Kafka record or an HTTP request, naming the span that the next one is a child of.
 */
export type TraceHeaders = { traceparent?: string; tracestate?: string };
/** Headers a parent is read from: ours, a record's decoded headers, or an HTTP request's. */
export type TraceCarrier = Readonly<Record<string, string | string[] | undefined>>;
export type SpanKind = 'server' | 'client' | 'producer' | 'consumer' | 'internal';
export type Attributes = Record<string, string | number | boolean>;

/** A span as the hooks see it: what they set on it, and the headers that carry it onward. */
export interface Span {
  /** This span as the parent of what follows: in a record's headers, or in an HTTP request's. */
  readonly headers: TraceHeaders;
  set(attributes: Attributes): void;
  /** Marks the span failed, saying why. */
  fail(message: string): void;
  end(): void;
}

/** What the hot paths call while tracing is on (services/platform/tracing/otel.ts). */
export interface Tracing {
  /** Starts a span, the child of `parent` (a span here, or one named by headers), else a new trace's root. */
  start(name: string, kind: SpanKind, parent?: Span | TraceCarrier, attributes?: Attributes): Span;
  /** The trace context a consumed record carries, if it carries one. */
  fromRecord(headers: IHeaders | undefined): TraceHeaders | undefined;
  /** A server span around each API request (its parent: the caller's `traceparent`, if any). */
  instrument(app: FastifyInstance): void;
  /** The server span of the API request being served, if it is traced. */
  current(): Span | undefined;
}

/**
 * Set only while tracing is on in this thread (OTEL_EXPORTER_OTLP_ENDPOINT; setup.ts). Each hook
 * in a hot path tests it and does nothing else when it is undefined: with tracing off no span
 * object is made, no header read and not even the OpenTelemetry packages are loaded.
 */
export let tracing: Tracing | undefined;

/** Turns the hooks on (with an implementation) or off (undefined). */
export function useTracing(t: Tracing | undefined): void {
  tracing = t;
}
