import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EndpointState } from '../endpoints/domain/evolve.ts';
import type { DeliveryRequested } from './domain/messages.ts';
import { StorageSinks } from './storage-sink.ts';

/** The sink's connections obey the deployment's outbound policy, as HTTP deliveries do. */
describe('storage sink outbound policy', () => {
  let s3: S3rver;
  let port = 0;
  beforeAll(async () => {
    s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: mkdtempSync(join(tmpdir(), 's3rver-')), configureBuckets: [{ name: 'policy', configs: [] }] });
    port = (await s3.run()).port;
  });
  afterAll(async () => { await s3?.close(); });

  const endpoint = (host: string, version: number) => ({
    endpointId: 'ep', version, config: { timeoutMs: 5_000, allowedCidrs: [], blockedCidrs: [], storageConfig: JSON.stringify({
      bucket: 'policy', prefix: 'p/', region: 'us-east-1', endpoint: `http://${host}:${port}`, format: 'ndjson', batchSize: 1, maxWaitMs: 0,
      credentials: { accessKeyIdEnc: 'S3RVER', secretAccessKeyEnc: 'S3RVER', accessKeyIdHint: '****RVER' } }) },
  }) as unknown as EndpointState;
  const request = (eventId: string) => ({ type: 'DeliveryRequested', dispatchId: `d-${eventId}`, eventId, accountId: 'a', projectId: 'p', endpointId: 'ep',
    eventType: 'x', url: '', payload: '{"a":1}', headers: {}, attempt: 1, maxAttempts: 3, priority: 5, dueAt: 0, createdAt: Date.now(), fifo: false }) as DeliveryRequested;

  it('refuses loopback, by literal or by name, when the deployment does not allow private networks', async () => {
    const sinks = new StorageSinks(() => ({ allowPrivateNetworks: false, operatorCidrs: [], allowedCidrs: [], blockedCidrs: [] }), (s) => s);
    try {
      const literal = await sinks.write(request('e1'), endpoint('127.0.0.1', 1));
      expect(literal.result).toMatchObject({ statusCode: null, errorCategory: 'blocked' });
      const named = await sinks.write(request('e2'), endpoint('localhost', 2));
      expect(named.result).toMatchObject({ statusCode: null, errorCategory: 'blocked' });
    } finally { sinks.close(); }
  });

  it('writes to loopback where the deployment allows it', async () => {
    const sinks = new StorageSinks(() => ({ allowPrivateNetworks: true, operatorCidrs: [], allowedCidrs: [], blockedCidrs: [] }), (s) => s);
    try {
      const stored = await sinks.write(request('e3'), endpoint('127.0.0.1', 1));
      expect(stored.result).toMatchObject({ statusCode: 200, errorCategory: null });
      expect(stored.url).toMatch(/^s3:\/\/policy\/p\/\d{4}\/\d{2}\/\d{2}\/e3\.ndjson$/);
    } finally { sinks.close(); }
  });
});
