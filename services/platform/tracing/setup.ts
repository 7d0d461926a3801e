import { diag, DiagConsoleLogger, DiagLogLevel } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Config } from '../config/config.ts';
import { OtelTracing } from './otel.ts';
import { tracing, useTracing } from './tracing.ts';

/**
 * Turns tracing on in this thread: a tracer provider of its own exporting over OTLP/HTTP (JSON)
 * to `${OTEL_EXPORTER_OTLP_ENDPOINT}/v1/traces`, spans batched (OTEL_BSP_* as the SDK reads
 * them; sampling by OTEL_TRACES_SAMPLER, parent-based always-on by default). `mittr all`'s
 * processing thread calls this for itself: a worker shares no objects with the main thread.
 * Answers what turns it off again, after exporting the spans still waiting.
 */
export async function startTracing(config: Config, roles: readonly string[]): Promise<() => Promise<void>> {
  const endpoint = config.otlpEndpoint!;
  // The SDK reports failed exports through diag, silent unless a logger is set.
  if (config.logLevel !== 'silent') diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.WARN);
  const resource = defaultResource()
    .merge(detectResources({ detectors: [envDetector] }))
    .merge(resourceFromAttributes({ 'service.name': config.serviceName, 'mittr.roles': roles.join(',') }));
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` });
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(exporter)] });
  const mine = new OtelTracing(provider.getTracer('mittr'));
  useTracing(mine);
  return async () => {
    if (tracing === mine) useTracing(undefined);
    await provider.shutdown().catch(() => undefined);
  };
}
