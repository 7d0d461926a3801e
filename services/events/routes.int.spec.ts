import { randomUUID } from 'node:crypto';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, signup, startTestMittr } from '../../test/support/mittr.ts';
import { RecordingSink } from '../../test/support/sink.ts';
import { topicNames } from '../capabilities.ts';

describe('events and deliveries API on the real stack', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  const sink = new RecordingSink();
  let sinkUrl: string;
  let call: ReturnType<typeof api>;
  let n = 0;
  const key = () => `k-${++n}-${Date.now()}`;
  const statusOf = async (id: string) => (await call('GET', `/api/v1/events/${id}`)).body;
  const until = (id: string, status: string, timeoutMs = 30_000) =>
    eventually(async () => { const e = await statusOf(id); return e.status === status ? e : undefined; }, timeoutMs);

  beforeAll(async () => {
    sinkUrl = await sink.start();
    sink.responder = (r) => {
      const mode = r.url.split('/')[1];
      if (mode === 'fail') return { status: 500, body: 'boom' };
      if (mode === 'gone') return { status: 410, body: 'gone' };
      if (mode === 'limited' && sink.received.filter((x) => x.url === r.url).length === 1) {
        return { status: 429, headers: { 'retry-after': '2' } };
      }
      return { status: 200, body: 'OK' };
    };
    env = await startTestMittr();
    call = api(env.url, (await signup(env.url)).apiKey);
  });
  afterAll(async () => {
    await env?.stop();
    await sink.stop();
  });

  const send = (body: Record<string, unknown>) => call('POST', '/api/v1/events', { payload: { n: ++n }, ...body }, { 'x-idempotency-key': key() });

  it('retries a failing destination with backoff, then dead-letters it with every attempt recorded', async () => {
    const sent = await send({ destination: `${sinkUrl}/fail/a`, maxAttempts: 3 });
    expect(sent.status).toBe(201);
    const dead = await until(sent.body.id, 'dead');
    expect(dead.attempts).toBe(3);
    const { body } = await call('GET', `/api/v1/events/${sent.body.id}/deliveries`);
    expect(body.count).toBe(3);
    expect(body.deliveries.map((d: { attemptNumber: number }) => d.attemptNumber)).toEqual([1, 2, 3]);
    expect(body.deliveries[0]).toMatchObject({ statusCode: 500, responseBody: 'boom', errorCategory: '5xx', outcome: 'failure' });
    const gaps = body.deliveries.slice(1).map((d: { attemptedAt: string }, i: number) =>
      Date.parse(d.attemptedAt) - Date.parse(body.deliveries[i].attemptedAt));
    expect(gaps[0]).toBeGreaterThanOrEqual(700); // ~1 s initial backoff with 20% jitter (second precision)
    const one = await call('GET', `/api/v1/deliveries/${body.deliveries[0].id}`);
    expect(one.body.id).toBe(body.deliveries[0].id);
    const other = api(env.url, (await signup(env.url)).apiKey);
    expect((await other('GET', `/api/v1/deliveries/${body.deliveries[0].id}`)).status).toBe(404);
    const listed = await call('GET', '/api/v1/deliveries?range=1h&outcome=failure&limit=200');
    expect(listed.body.data.filter((d: { eventId: string }) => d.eventId === sent.body.id)).toHaveLength(3);
    const deadList = await call('GET', '/api/v1/events?status=dead');
    expect(deadList.body.data.map((e: { id: string }) => e.id)).toContain(sent.body.id);
  });

  it('treats 410 Gone as permanent: dead after one attempt', async () => {
    const sent = await send({ destination: `${sinkUrl}/gone/a`, maxAttempts: 5 });
    const dead = await until(sent.body.id, 'dead');
    expect(dead.attempts).toBe(1);
  });

  it('honours Retry-After on 429', async () => {
    const sent = await send({ destination: `${sinkUrl}/limited/${key()}` });
    const done = await until(sent.body.id, 'delivered');
    expect(done.deliveryAttempts.map((a: { statusCode: number }) => a.statusCode)).toEqual([429, 200]);
    const [a, b] = done.deliveryAttempts.map((x: { attemptedAt: string }) => Date.parse(x.attemptedAt));
    expect(b - a).toBeGreaterThanOrEqual(1_000);
  });

  it('replays a dead event with attempts reset, and refuses to replay a delivered one', async () => {
    const sent = await send({ destination: `${sinkUrl}/fail/b`, maxAttempts: 1 });
    await until(sent.body.id, 'dead');
    const patched = await call('PATCH', `/api/v1/events/${sent.body.id}`, { destination: `${sinkUrl}/ok/b`, payload: { corrected: true }, replay: true });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ destination: `${sinkUrl}/ok/b`, status: 'queued', attempts: 0 });
    const done = await until(sent.body.id, 'delivered');
    expect(done.attempts).toBe(1);
    expect(done.payload).toEqual({ corrected: true });
    expect(done.deliveryAttempts).toHaveLength(2); // history keeps the attempt before the replay
    const received = sink.received.filter((r) => r.url === '/ok/b');
    expect(received.map((r) => JSON.parse(r.body))).toEqual([{ corrected: true }]);
    const again = await call('POST', `/api/v1/events/${sent.body.id}/replay`);
    expect(again).toMatchObject({ status: 409, body: { code: 'INVALID_STATE' } });
  });

  it('retries in bulk by status', async () => {
    const a = await send({ destination: `${sinkUrl}/fail/c`, maxAttempts: 1 });
    await until(a.body.id, 'dead');
    const res = await call('POST', '/api/v1/events/batch/retry', { status: 'dead', limit: 100 });
    expect(res.status).toBe(200);
    expect(res.body.eventIds).toContain(a.body.id);
    const byId = await call('POST', '/api/v1/events/batch/retry', { eventIds: [a.body.id, '00000000-0000-4000-8000-000000000000'] });
    expect(byId.body.skipped.map((s: { id: string }) => s.id)).toContain('00000000-0000-4000-8000-000000000000');
  });

  it('delays delivery by delaySeconds', async () => {
    const path = `/ok/delay-${key()}`;
    const sent = await send({ destination: `${sinkUrl}${path}`, delaySeconds: 2, priority: 1 });
    expect(sent.body.priority).toBe(1);
    const [r] = await sink.waitFor((rs) => rs.some((x) => x.url === path), 20_000).then((rs) => rs.filter((x) => x.url === path));
    expect(r!.at - Date.parse(sent.body.createdAt)).toBeGreaterThanOrEqual(1_900);
  });

  it('accepts batches all-or-nothing with the documented errors', async () => {
    const k = key();
    const ok = await call('POST', '/api/v1/events/batch', { events: [1, 2, 3].map((i) => ({ idempotencyKey: `${k}-${i}`, destination: `${sinkUrl}/ok/batch`, payload: { i } })) });
    expect(ok.status).toBe(201);
    expect(ok.body.count).toBe(3);
    const dup = await call('POST', '/api/v1/events/batch', { events: [{ idempotencyKey: `${k}-9`, destination: `${sinkUrl}/ok/x`, payload: {} }, { idempotencyKey: `${k}-2`, destination: `${sinkUrl}/ok/x`, payload: {} }] });
    expect(dup).toMatchObject({ status: 409, body: { code: 'DUPLICATE_EVENT', keys: [`${k}-2`] } });
    // All-or-nothing: the non-duplicate key of the refused batch was not kept.
    const retry = await call('POST', '/api/v1/events/batch', { events: [{ idempotencyKey: `${k}-9`, destination: `${sinkUrl}/ok/x`, payload: {} }] });
    expect(retry.status).toBe(201);
    expect((await call('POST', '/api/v1/events/batch', { events: [] })).body.code).toBe('VALIDATION_ERROR');
    const big = Array.from({ length: 101 }, (_, i) => ({ idempotencyKey: `${k}-b${i}`, destination: `${sinkUrl}/ok/x`, payload: {} }));
    expect((await call('POST', '/api/v1/events/batch', { events: big })).body.code).toBe('BATCH_TOO_LARGE');
    await sink.waitFor((rs) => rs.filter((x) => x.url === '/ok/batch').length === 3);
  });

  it('takes a batch at the body limit whole, and answers 413 for one the event log refuses as too large, freeing its keys at once', async () => {
    // Within the API's 1 MiB body limit, but with the fields mittr adds and its payloads sealed
    // (a third larger), more than Kafka's default 1 MiB for one partition's records in one
    // produce request: the topics take 4 MiB (services/platform/kafka/topics.ts).
    const event = (k: string, i: number, s: string, path: string) => ({ idempotencyKey: `${k}-${i}`, destination: `${sinkUrl}${path}`, payload: { s } });
    const overhead = JSON.stringify({ events: Array.from({ length: 100 }, (_, i) => event(key(), i, '', '/ok/large')) }).length;
    const s = 'x'.repeat(Math.floor((1_045_000 - overhead) / 100));
    const batch = (k: string, n = 100, path = '/ok/large') => ({ events: Array.from({ length: n }, (_, i) => event(k, i, s, path)) });
    expect(JSON.stringify(batch(key())).length).toBeLessThan(1_048_576);
    expect((await call('POST', '/api/v1/events/batch', batch(key()))).status).toBe(201);
    await sink.waitFor((rs) => rs.filter((x) => x.url === '/ok/large').length === 100);

    // A deployment whose events topic predates that (made with the broker's 1 MiB): refused whole, keys freed.
    const admin = new Kafka({ brokers: env.config.kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const topic = topicNames(env.config.topicPrefix).events;
    const limit = async (bytes: number) => admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'max.message.bytes', value: String(bytes) }] }] });
    let refusedKey = '';
    try {
      await limit(1_048_588);
      // The broker applies a topic's new config a moment after it answers: a batch sent before
      // that is still taken (to its own path, out of this count), so each try has its own keys.
      const refused = await eventually(async () => {
        const k = key();
        const r = await call('POST', '/api/v1/events/batch', batch(k, 100, '/ok/large-early'));
        if (r.status !== 413) return null;
        refusedKey = k;
        return r;
      });
      expect(refused).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE', error: expect.stringMatching(/event log/) } });
    } finally {
      await limit(4 * 1024 * 1024);
      await admin.disconnect();
    }
    const smaller = await call('POST', '/api/v1/events/batch', batch(refusedKey, 10, '/ok/large-after'));
    expect(smaller.status).toBe(201);
    await sink.waitFor((rs) => rs.filter((x) => x.url === '/ok/large-after').length === 10);
  });

  it('answers 503 while a key is reserved by an unwritten event, and reclaims the reservation once abandoned', async () => {
    // A reservation left by a process that died between reserving the key and appending its event.
    const account = await signup(env.url);
    const fresh = api(env.url, account.apiKey);
    const k = key();
    const db = new pg.Client({ connectionString: env.config.databaseUrl });
    await db.connect();
    try {
      const table = `"${env.config.databaseSchema}".idempotency_keys`;
      await db.query(`INSERT INTO ${table} (project_id, key, event_id, written) VALUES ($1, $2, $3, false)`, [account.projectId, k, randomUUID()]);
      const body = { destination: `${sinkUrl}/ok/reclaim`, payload: { a: 1 } };
      const held = await fresh('POST', '/api/v1/events', body, { 'x-idempotency-key': k });
      expect(held).toMatchObject({ status: 503, body: { code: 'SERVICE_UNAVAILABLE' } });
      // Two minutes later its event has still not appeared: the key is free again.
      await db.query(`UPDATE ${table} SET reserved_at = now() - interval '121 seconds' WHERE project_id = $1 AND key = $2`, [account.projectId, k]);
      const created = await fresh('POST', '/api/v1/events', body, { 'x-idempotency-key': k });
      expect(created.status).toBe(201);
      const again = await fresh('POST', '/api/v1/events', body, { 'x-idempotency-key': k });
      expect(again).toMatchObject({ status: 409, body: { code: 'CONFLICT', eventId: created.body.id } });
      await sink.waitFor((rs) => rs.some((x) => x.url === '/ok/reclaim'));
    } finally {
      await db.end();
    }
  });

  it('pages newest first with an opaque cursor and validates limit', async () => {
    const fresh = api(env.url, (await signup(env.url)).apiKey);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await fresh('POST', '/api/v1/events', { destination: `${sinkUrl}/ok/p`, payload: { i } }, { 'x-idempotency-key': `p${i}` })).body.id);
    }
    await eventually(async () => (await fresh('GET', '/api/v1/events?limit=100')).body.data.length === 5);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 5; page++) {
      const res: { body: { data: Array<{ id: string }>; pagination: { hasMore: boolean; cursor: string | null } } } =
        await fresh('GET', `/api/v1/events?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...res.body.data.map((e) => e.id));
      if (!res.body.pagination.hasMore) break;
      cursor = res.body.pagination.cursor;
    }
    expect(seen).toEqual([...ids].reverse());
    expect((await fresh('GET', '/api/v1/events?limit=0')).status).toBe(400);
    expect((await fresh('GET', '/api/v1/events?limit=101')).status).toBe(400);
    expect((await fresh('GET', '/api/v1/events?cursor=garbage')).body.code).toBe('VALIDATION_ERROR');
    expect((await fresh('GET', '/api/v1/events?status=nope')).status).toBe(400);
  });
});
