import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, isolatedConfig, signup, startTestMittr } from '../../test/support/mittr.ts';

const KEY_ID = 'AKIASINKSPECKEY12345';
const SECRET = 'sink-spec-secret-7f3a9c1e2b4d6f80';
const BUCKET = 'mittr-sink';
// s3rver checks signatures against its accounts' key pairs: the sink's own pair is added, so the
// write is accepted only when signed with the credentials the engine opened.
const { DUMMY_ACCOUNT } = createRequire(import.meta.url)('s3rver/lib/models/account.js') as { DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void } };
DUMMY_ACCOUNT.createKeyPair(KEY_ID, SECRET);

/** Storage sinks end to end: the engine writes to a real S3-compatible server (s3rver) on loopback. */
describe('storage sinks (deliveryMode storage)', () => {
  const dir = mkdtempSync(join(tmpdir(), 's3rver-'));
  let s3: S3rver;
  let port = 0;
  let reader: S3Client;
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  let call: ReturnType<typeof api>;
  const output: string[] = [];
  const writes = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  let n = 0;

  const startS3 = async () => {
    s3 = new S3rver({ port, address: '127.0.0.1', silent: true, directory: dir, configureBuckets: [{ name: BUCKET, configs: [] }] });
    port = (await s3.run()).port;
  };
  const storage = (over: Record<string, unknown> = {}) => ({
    bucket: BUCKET, endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1',
    credentials: { accessKeyId: KEY_ID, secretAccessKey: SECRET }, ...over,
  });
  const send = (eventType: string, payload: unknown) =>
    call('POST', '/api/v1/events', { eventType, payload }, { 'x-idempotency-key': `s${++n}-${Date.now()}` });
  const objects = async (prefix: string) => {
    const listed = await reader.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
    return Promise.all((listed.Contents ?? []).map(async (o) => ({
      key: o.Key!, body: await (await reader.send(new GetObjectCommand({ Bucket: BUCKET, Key: o.Key! }))).Body!.transformToString(),
    })));
  };
  const ndjsonIds = (bodies: string[]) => bodies.flatMap((b) => b.trimEnd().split('\n').map((l) => JSON.parse(l).id as string));
  const settled = (id: string, status: string) => eventually(async () => {
    const e = (await call('GET', `/api/v1/events/${id}`)).body;
    return e.status === status ? e : undefined;
  }, 60_000);

  beforeAll(async () => {
    await startS3();
    reader = new S3Client({ region: 'us-east-1', endpoint: `http://127.0.0.1:${port}`, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    // Logs at debug, captured: no credential may reach them.
    const capture = (w: (c: never, ...rest: never[]) => boolean) => (chunk: unknown, ...rest: unknown[]) => {
      output.push(String(chunk));
      return w(chunk as never, ...rest as never[]);
    };
    process.stdout.write = capture(writes.out) as typeof process.stdout.write;
    process.stderr.write = capture(writes.err) as typeof process.stderr.write;
    env = await startTestMittr(isolatedConfig({ MITTR_LOG_LEVEL: 'debug' }));
    call = api(env.url, (await signup(env.url)).apiKey);
  });
  afterAll(async () => {
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
    await env?.stop();
    reader?.destroy();
    await s3?.close();
  });

  it('refuses a storage endpoint it cannot write with a 400 that says why', async () => {
    const bad = async (body: Record<string, unknown>, message: RegExp) => {
      const res = await call('POST', '/api/v1/endpoints', { eventTypes: ['s.bad'], deliveryMode: 'storage', ...body });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_ERROR');
      expect(res.body.error).toMatch(message);
    };
    await bad({}, /storageConfig is required/);
    await bad({ storageConfig: storage({ bucket: 'No_Such' }) }, /bucket must be an S3 bucket name/);
    await bad({ storageConfig: storage({ format: 'csv' }) }, /format must be ndjson or json/);
    await bad({ storageConfig: storage({ batchSize: 0, maxWaitMs: -1 }) }, /batchSize.*maxWaitMs/);
    await bad({ storageConfig: storage({ credentials: undefined }) }, /credentials .* are required/);
    await bad({ storageConfig: storage({ credentials: { accessKeyId: KEY_ID } }) }, /credentials must be/);
    await bad({ storageConfig: storage({ endpoint: 'ftp://127.0.0.1' }) }, /endpoint must be an absolute http/);
    await bad({ storageConfig: storage(), fifo: true }, /fifo is not supported/);
    const push = await call('POST', '/api/v1/endpoints', { url: 'https://example.test/h', eventTypes: ['s.bad'], storageConfig: storage() });
    expect(push.status).toBe(400);
    expect(push.body.error).toMatch(/storageConfig is only for deliveryMode storage/);
  });

  it('writes batches as ndjson objects with deterministic keys, recorded as attempts, credentials masked', async () => {
    const created = await call('POST', '/api/v1/endpoints', { eventTypes: ['s.nd'], deliveryMode: 'storage',
      storageConfig: storage({ prefix: 'nd/', batchSize: 3, maxWaitMs: 2_000 }) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ url: `s3://${BUCKET}/nd/`, deliveryMode: 'storage',
      storageConfig: { bucket: BUCKET, prefix: 'nd/', format: 'ndjson', batchSize: 3, credentials: { accessKeyId: '****2345', secretAccessKey: '****' } } });
    const sent = await Promise.all([1, 2, 3].map((i) => send('s.nd', { i })));
    const events = await Promise.all(sent.map((s) => settled(s.body.id, 'delivered')));
    const stored = await objects('nd/');
    expect(stored).toHaveLength(1);
    expect(stored[0]!.key).toMatch(/^nd\/\d{4}\/\d{2}\/\d{2}\/[^/]+\+2-[0-9a-f]{16}\.ndjson$/);
    const lines = stored[0]!.body.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id).sort()).toEqual(sent.map((s) => s.body.id).sort());
    expect(lines.map((l) => l.data.i).sort()).toEqual([1, 2, 3]);
    for (const e of events) expect(e.deliveryAttempts).toEqual([expect.objectContaining({ url: `s3://${BUCKET}/${stored[0]!.key}`, statusCode: 200, outcome: 'success' })]);
  });

  it('writes json arrays, one object per delivery with batch size 1', async () => {
    await call('POST', '/api/v1/endpoints', { eventTypes: ['s.js'], deliveryMode: 'storage', storageConfig: storage({ prefix: 'js', format: 'json', batchSize: 1 }) });
    const sent = await Promise.all([1, 2].map((i) => send('s.js', { i })));
    await Promise.all(sent.map((s) => settled(s.body.id, 'delivered')));
    const stored = await objects('js/');
    expect(stored.map((o) => o.key.split('/').pop()).sort()).toEqual(sent.map((s) => `${s.body.id}.json`).sort());
    for (const o of stored) {
      const records = JSON.parse(o.body);
      expect(records).toHaveLength(1);
      expect(o.key).toContain(records[0].id);
    }
  });

  it('retries while the store is down, then writes each delivery once', async () => {
    const ep = await call('POST', '/api/v1/endpoints', { eventTypes: ['s.down'], deliveryMode: 'storage', retryBackoffMs: 200, retryBackoffMax: 1_000,
      maxRetries: 10, circuitThreshold: 0, storageConfig: storage({ prefix: 'down/', batchSize: 2, maxWaitMs: 300 }) });
    expect(ep.status).toBe(201);
    await s3.close();
    const sent = await Promise.all([1, 2, 3].map((i) => send('s.down', { i })));
    await eventually(async () => {
      const e = (await call('GET', `/api/v1/events/${sent[0]!.body.id}`)).body;
      return e.deliveryAttempts?.some((a: { outcome: string }) => a.outcome !== 'success');
    }, 30_000);
    await startS3();
    const events = await Promise.all(sent.map((s) => settled(s.body.id, 'delivered')));
    const failed = events.flatMap((e) => e.deliveryAttempts).filter((a: { outcome: string }) => a.outcome !== 'success');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0]).toMatchObject({ statusCode: null, errorCategory: 'refused' });
    const ids = ndjsonIds((await objects('down/')).map((o) => o.body));
    expect(ids.sort()).toEqual(sent.map((s) => s.body.id).sort());
  });

  it('never shows the credentials: not in GETs, versions, diffs or logs', async () => {
    const ep = (await call('POST', '/api/v1/endpoints', { eventTypes: ['s.sec'], deliveryMode: 'storage', storageConfig: storage({ prefix: 'sec/' }) })).body;
    const changed = await call('PATCH', `/api/v1/endpoints/${ep.id}`, { storageConfig: { ...storage({ prefix: 'sec2/' }), credentials: undefined } });
    expect(changed.status).toBe(200);
    expect(changed.body.storageConfig).toMatchObject({ prefix: 'sec2/', credentials: { accessKeyId: '****2345' } });
    const rolled = await call('POST', `/api/v1/endpoints/${ep.id}/versions/1/rollback`);
    expect(rolled.status).toBe(200);
    const sent = await send('s.sec', { i: 1 });
    await settled(sent.body.id, 'delivered');
    expect((await objects('sec/')).map((o) => ndjsonIds([o.body])).flat()).toEqual([sent.body.id]);
    const reads = await Promise.all([`/api/v1/endpoints/${ep.id}`, '/api/v1/endpoints', `/api/v1/endpoints/${ep.id}/versions`,
      `/api/v1/endpoints/${ep.id}/versions/diff?v1=1&v2=2`, `/api/v1/endpoints/${ep.id}/versions/1`, `/api/v1/events/${sent.body.id}`].map((p) => call('GET', p)));
    const diff = reads[3]!.body.changes.map((c: { field: string }) => c.field);
    expect(diff).toEqual(expect.arrayContaining(['url', 'storageConfig']));
    for (const r of reads) {
      expect(r.status).toBe(200);
      expect(JSON.stringify(r.body)).not.toContain(SECRET);
      expect(JSON.stringify(r.body)).not.toContain(KEY_ID);
    }
    expect(output.length).toBeGreaterThan(0);
    expect(output.join('')).not.toContain(SECRET);
    expect(output.join('')).not.toContain(KEY_ID);
  });
});
