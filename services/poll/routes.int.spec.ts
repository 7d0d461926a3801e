import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, signup, startTestMittr } from '../../test/support/mittr.ts';
import { RecordingSink } from '../../test/support/sink.ts';
import { rebuild } from '../rebuild.ts';

type Message = { id: string; eventId: string; eventType: string; payload: unknown; headers: Record<string, string>; attempt: number };

describe('poll delivery: consumers fetch and ack instead of receiving pushes', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  const sink = new RecordingSink();
  let sinkUrl: string;
  let call: ReturnType<typeof api>;
  let apiKey: string;
  let n = 0;
  const at = (path: string) => sink.received.filter((r) => r.url === path);
  const send = async (eventType: string, payload: Record<string, unknown> = { n: ++n }, headers?: Record<string, string>) => {
    const res = await call('POST', '/api/v1/events', { eventType, payload, headers }, { 'x-idempotency-key': `p${++n}-${Date.now()}` });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const pollEndpoint = async (name: string, extra: Record<string, unknown> = {}) => {
    const res = await call('POST', '/api/v1/endpoints', { url: `${sinkUrl}/${name}`, eventTypes: [`${name}.*`], deliveryMode: 'poll', ...extra });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const poll = async (endpointId: string, query = '') => {
    const res = await call('GET', `/api/v1/poll?endpoint_id=${endpointId}${query}`);
    expect(res.status).toBe(200);
    return res.body.data as Message[];
  };
  const ack = (body: unknown) => call('POST', '/api/v1/poll/ack', body);
  const eventStatus = async (id: string) => (await call('GET', `/api/v1/events/${id}`)).body;

  beforeAll(async () => {
    sinkUrl = await sink.start();
    env = await startTestMittr();
    apiKey = (await signup(env.url)).apiKey;
    call = api(env.url, apiKey);
  });
  afterAll(async () => {
    await env?.stop();
    await sink.stop();
  });

  it('pushes nothing to a poll endpoint; GET /poll hands out the event with its payload and headers', async () => {
    const ep = await pollEndpoint('basic', { customHeaders: { 'X-Team': 'billing' } });
    const id = await send('basic.created', { order: 42, items: [{ sku: 'a' }] }, { 'X-Trace': 't1' });
    const [m, ...rest] = await poll(ep, '&timeout=20');
    expect(rest).toEqual([]);
    expect(m).toMatchObject({ eventId: id, eventType: 'basic.created', payload: { order: 42, items: [{ sku: 'a' }] },
      headers: { 'X-Team': 'billing', 'X-Trace': 't1' }, attempt: 1 });
    expect(m!.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse((m as unknown as { visibleUntil: string }).visibleUntil)).toBeGreaterThan(Date.now() + 20_000);
    expect((await eventStatus(id)).status).toBe('queued'); // not delivered until acked
    expect(at('/basic')).toHaveLength(0);
  });

  it('answers a long poll started before the event as soon as it is queued, and an empty one after its timeout', async () => {
    const ep = await pollEndpoint('longpoll');
    const t0 = Date.now();
    expect(await poll(ep, '&timeout=1')).toEqual([]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(Date.now() - t0).toBeLessThan(5_000);

    const started = Date.now();
    const waiting = poll(ep, '&timeout=30');
    await new Promise((r) => setTimeout(r, 300));
    const id = await send('longpoll.ping');
    const got = await waiting;
    expect(got.map((m) => m.eventId)).toEqual([id]);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(at('/longpoll')).toHaveLength(0);
  });

  it('does not lease for a client that hung up', async () => {
    const ep = await pollEndpoint('hangup');
    const aborter = new AbortController();
    const gone = fetch(`${env.url}/api/v1/poll?endpoint_id=${ep}&timeout=30`, {
      headers: { 'x-api-key': apiKey }, signal: aborter.signal,
    }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    aborter.abort();
    await gone;
    await new Promise((r) => setTimeout(r, 100));
    const id = await send('hangup.ping');
    const [m] = await poll(ep, '&timeout=20');
    expect(m).toMatchObject({ eventId: id, attempt: 1 });
  });

  it('hides a handed-out message from other pollers until its visibility timeout, then offers it again', async () => {
    const ep = await pollEndpoint('visibility');
    const id = await send('visibility.test');
    const [first] = await poll(ep, '&timeout=20&visibility_timeout=1');
    expect(first).toMatchObject({ eventId: id, attempt: 1 });
    expect(await poll(ep)).toEqual([]);
    const again = await poll(ep, '&timeout=5');
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ id: first!.id, eventId: id, attempt: 2 });
    expect(await poll(ep)).toEqual([]); // leased again, for the default 30 s
  });

  it('never gives one message to two concurrent pollers', async () => {
    const ep = await pollEndpoint('concurrent');
    const ids = new Set<string>();
    for (let i = 0; i < 12; i++) ids.add(await send('concurrent.test', { i }));
    const seen: string[] = [];
    const deadline = Date.now() + 30_000;
    while (new Set(seen).size < ids.size && Date.now() < deadline) {
      const rounds = await Promise.all(Array.from({ length: 4 }, () => poll(ep, '&limit=3&timeout=2')));
      for (const r of rounds) seen.push(...r.map((m) => m.eventId));
    }
    expect(new Set(seen)).toEqual(ids);
    expect(seen).toHaveLength(ids.size);
  });

  it('acks: the event becomes delivered, the message is never offered again, and a second ack is harmless', async () => {
    const ep = await pollEndpoint('ack');
    const id = await send('ack.test');
    const [m] = await poll(ep, '&timeout=20&visibility_timeout=1');
    const acked = await ack({ ids: [m!.id] });
    expect(acked).toMatchObject({ status: 200, body: { acked: [m!.id], notFound: [] } });
    const done = await eventually(async () => {
      const e = await eventStatus(id);
      return e.status === 'delivered' ? e : undefined;
    }, 10_000);
    expect(done.deliveryAttempts).toHaveLength(1);
    expect(done.deliveryAttempts[0]).toMatchObject({ endpointId: ep, outcome: 'success', statusCode: null, attemptNumber: 1 });
    await new Promise((r) => setTimeout(r, 1_200)); // past the visibility timeout
    expect(await poll(ep, '&timeout=1')).toEqual([]);
    expect((await ack({ ids: [m!.id] })).body).toEqual({ acked: [m!.id], notFound: [] });
    await new Promise((r) => setTimeout(r, 500));
    expect((await eventStatus(id)).deliveryAttempts).toHaveLength(1);
    expect(at('/ack')).toHaveLength(0);
  });

  it('acks by endpoint_id and event_ids (the documented form), unfetched messages included', async () => {
    const ep = await pollEndpoint('byevent');
    const id = await send('byevent.test');
    const unknown = randomUUID();
    await eventually(async () => (await poll(ep, '&timeout=5&visibility_timeout=1')).length === 1, 20_000);
    const res = await ack({ endpoint_id: ep, event_ids: [id, unknown] });
    expect(res.body).toEqual({ acked: [id], notFound: [unknown] });
    await eventually(async () => (await eventStatus(id)).status === 'delivered', 10_000);
    await new Promise((r) => setTimeout(r, 1_200));
    expect(await poll(ep)).toEqual([]);
  });

  it('replaces an unacked message when its event is replayed, so the consumer gets it once', async () => {
    sink.responder = (r) => ({ status: r.url === '/failing' ? 500 : 200 });
    const ep = await pollEndpoint('replayed');
    await call('POST', '/api/v1/endpoints', { url: `${sinkUrl}/failing`, eventTypes: ['replayed.*'], retryBackoffMs: 60_000, maxRetries: 5 });
    const id = await send('replayed.test');
    const [old] = await poll(ep, '&timeout=20&visibility_timeout=1');
    await eventually(async () => (await eventStatus(id)).status === 'failed', 20_000);
    expect((await call('POST', `/api/v1/events/${id}/replay`)).status).toBe(200);
    const fresh = await eventually(async () => (await poll(ep, '&timeout=2&visibility_timeout=1')).find((m) => m.id !== old!.id), 20_000);
    expect(fresh.eventId).toBe(id);
    expect((await ack({ ids: [old!.id, fresh.id] })).body).toEqual({ acked: [fresh.id], notFound: [old!.id] });
  });

  it('validates parameters and scopes endpoints to the caller', async () => {
    const ep = await pollEndpoint('validation');
    for (const q of ['&limit=0', '&limit=101', '&timeout=61', '&timeout=-1', '&visibility_timeout=0', '&visibility_timeout=601', '&limit=x']) {
      expect(await call('GET', `/api/v1/poll?endpoint_id=${ep}${q}`)).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
    }
    expect(await call('GET', '/api/v1/poll')).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
    expect(await call('GET', `/api/v1/poll?endpoint_id=${randomUUID()}`)).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect(await call('GET', '/api/v1/poll?endpoint_id=nope')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    const other = api(env.url, (await signup(env.url)).apiKey);
    expect(await other('GET', `/api/v1/poll?endpoint_id=${ep}`)).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect(await other('POST', '/api/v1/poll/ack', { endpoint_id: ep, event_ids: [randomUUID()] })).toMatchObject({ status: 404 });
    const push = (await call('POST', '/api/v1/endpoints', { url: `${sinkUrl}/push`, eventTypes: ['push.*'] })).body.id;
    expect(await call('GET', `/api/v1/poll?endpoint_id=${push}`)).toMatchObject({ status: 409, body: { code: 'INVALID_STATE' } });
    expect(await ack({})).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
    expect(await ack({ ids: [] })).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
    expect(await ack({ ids: ['not-a-uuid'] })).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
    expect(await ack({ ids: [randomUUID()], endpoint_id: ep, event_ids: [randomUUID()] })).toMatchObject({ status: 400 });
    const stranger = randomUUID();
    expect((await ack({ ids: [stranger] })).body).toEqual({ acked: [], notFound: [stranger] });
  });

  it('rebuilds poll_messages from the log equal to the live table, leases being command-side state', async () => {
    const ep = await pollEndpoint('rebuild');
    const [kept, acked] = [await send('rebuild.a'), await send('rebuild.b')];
    const seen = new Set<string>();
    await eventually(async () => {
      for (const m of await poll(ep, '&timeout=2&limit=10')) seen.add(m.eventId);
      return seen.size === 2;
    }, 20_000);
    expect([...seen].sort()).toEqual([kept, acked].sort());
    await ack({ endpoint_id: ep, event_ids: [acked] });
    await eventually(async () => (await eventStatus(acked)).status === 'delivered', 10_000);
    const result = await rebuild(env.config, { verify: true });
    expect(result.tables?.poll_messages).toBe(true);
  });
});
