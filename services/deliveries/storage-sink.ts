import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { isIP } from 'node:net';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { EndpointState } from '../endpoints/domain/evolve.ts';
import type { StorageConfig } from '../endpoints/domain/storage.ts';
import { addressAllowed, type AddressPolicy } from './address-policy.ts';
import type { DeliveryRequested } from './domain/messages.ts';
import type { SendResult } from './domain/outcome.ts';
import { objectBody, objectKey } from './domain/storage-object.ts';
import { BlockedAddressError, categorize, checkedLookup } from './sender.ts';

/** One write's result, with the object it went to (recorded as the attempt's url). */
export type StoredResult = { result: SendResult; url: string };
type Pending = { r: DeliveryRequested; done: (s: StoredResult) => void };
type Batch = { items: Pending[]; timer: NodeJS.Timeout | null };
type Sink = { version: number; config: StorageConfig; client: S3Client; policy: AddressPolicy };

/**
 * The storage sinks of one engine: deliveries to a `deliveryMode: storage` endpoint gather in a
 * batch per endpoint, written as one object when `batchSize` are waiting or `maxWaitMs` passed
 * since the first; each delivery's handler then gets the write's result and goes on through the
 * engine as an HTTP attempt would (outcome, breaker, retry or dead letter). The SDK does not retry
 * (maxAttempts 1): the engine's retries, with the endpoint's backoff, are the ones recorded.
 */
export class StorageSinks {
  private readonly sinks = new Map<string, Sink>();
  private readonly batches = new Map<string, Batch>();

  /**
   * `policy`: the deployment's outbound policy with the endpoint's CIDRs (as for its HTTP
   * deliveries); `open`: opens a sealed secret (the SecretBox's).
   */
  private readonly policy: (ep: EndpointState) => AddressPolicy;
  private readonly open: (sealed: string) => string;

  constructor(policy: (ep: EndpointState) => AddressPolicy, open: (sealed: string) => string) {
    this.policy = policy;
    this.open = open;
  }

  /** Queues one delivery into its endpoint's batch; resolves when the batch was written or failed. */
  write(r: DeliveryRequested, ep: EndpointState): Promise<StoredResult> {
    const sink = this.sinkOf(ep);
    return new Promise((done) => {
      let batch = this.batches.get(ep.endpointId);
      if (!batch) { batch = { items: [], timer: null }; this.batches.set(ep.endpointId, batch); }
      batch.items.push({ r, done });
      if (batch.items.length >= sink.config.batchSize) this.flush(ep, sink);
      else if (!batch.timer) batch.timer = setTimeout(() => this.flush(ep, sink), sink.config.maxWaitMs);
    });
  }

  close(): void {
    for (const b of this.batches.values()) if (b.timer) clearTimeout(b.timer);
    for (const s of this.sinks.values()) s.client.destroy();
    this.sinks.clear();
  }

  private flush(ep: EndpointState, sink: Sink): void {
    const batch = this.batches.get(ep.endpointId);
    if (!batch) return;
    this.batches.delete(ep.endpointId);
    if (batch.timer) clearTimeout(batch.timer);
    void this.put(sink, ep.config.timeoutMs, batch.items.map((p) => p.r)).then((stored) => {
      for (const p of batch.items) p.done(stored);
    });
  }

  /** One PutObject; never throws: every failure is classified as an HTTP attempt's is. */
  private async put(sink: Sink, timeoutMs: number, batch: DeliveryRequested[]): Promise<StoredResult> {
    const { bucket, format, prefix } = sink.config;
    const key = objectKey(prefix, format, batch);
    const url = `s3://${bucket}/${key}`;
    const started = performance.now();
    const elapsed = () => ({ durationMs: Math.round(performance.now() - started), durationUs: Math.round((performance.now() - started) * 1000) });
    try {
      const endpoint = sink.config.endpoint;
      if (endpoint) assertLiteralAllowed(endpoint, sink);
      const res = await sink.client.send(new PutObjectCommand({
        Bucket: bucket, Key: key, Body: objectBody(format, batch),
        ContentType: format === 'json' ? 'application/json' : 'application/x-ndjson',
      }), { abortSignal: AbortSignal.timeout(timeoutMs) });
      return { url, result: { statusCode: res.$metadata.httpStatusCode ?? 200, responseBody: '', error: '', errorCategory: null, timedOut: false, ...elapsed() } };
    } catch (err) {
      return { url, result: failure(err, elapsed()) };
    }
  }

  /** The endpoint's client, made again when its configuration changed (a new version). */
  private sinkOf(ep: EndpointState): Sink {
    const known = this.sinks.get(ep.endpointId);
    if (known && known.version === ep.version) return known;
    known?.client.destroy();
    const config = JSON.parse(ep.config.storageConfig!) as StorageConfig;
    const policy = this.policy(ep);
    // Connections go only to addresses the policy allows, resolved and checked before connecting.
    const agentOptions = { keepAlive: true, maxSockets: 16, lookup: checkedLookup(policy) };
    const client = new S3Client({
      region: config.region, maxAttempts: 1,
      ...(config.endpoint ? { endpoint: config.endpoint, forcePathStyle: true } : {}),
      credentials: { accessKeyId: this.open(config.credentials.accessKeyIdEnc), secretAccessKey: this.open(config.credentials.secretAccessKeyEnc) },
      requestHandler: { httpAgent: new HttpAgent(agentOptions), httpsAgent: new HttpsAgent(agentOptions) },
    });
    const sink: Sink = { version: ep.version, config, client, policy };
    this.sinks.set(ep.endpointId, sink);
    return sink;
  }
}

/** An endpoint given as an IP literal is not looked up: it is checked here, before any connection. */
function assertLiteralAllowed(endpoint: string, sink: Sink): void {
  const host = new URL(endpoint).hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host) === 0) return;
  const verdict = addressAllowed(host, sink.policy);
  if (!verdict.ok) throw new BlockedAddressError(verdict.reason);
}

function failure(err: unknown, elapsed: { durationMs: number; durationUs: number }): SendResult {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  // A store's answer (AccessDenied, NoSuchBucket, SlowDown) is classified by its status, like a receiver's.
  if (status !== undefined && status >= 300) {
    return { statusCode: status, responseBody: `${e.name ?? 'Error'}: ${e.message ?? ''}`.slice(0, 1024), error: '',
      errorCategory: status >= 500 ? '5xx' : '4xx', timedOut: false, ...elapsed };
  }
  const category = categorize(err);
  return { statusCode: null, responseBody: '', error: `${e.name ?? 'Error'}: ${e.message ?? String(err)}`.slice(0, 500), errorCategory: category, timedOut: category === 'timeout', ...elapsed };
}
