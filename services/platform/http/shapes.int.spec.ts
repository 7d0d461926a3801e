import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, signup, startTestMittr } from '../../../test/support/mittr.ts';
import { RecordingSink } from '../../../test/support/sink.ts';

type Row = { id: string };
const ids = (body: { data: Row[] }) => body.data.map((d) => d.id);

/** Shapes as 002 documents them, and one rule for the error codes of refused input. */
describe('API shapes', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  let call: ReturnType<typeof api>;
  let apiKey: string;
  const sink = new RecordingSink();
  let sinkUrl: string;
  /** A POST as many clients send one: `Content-Type: application/json` and no body at all. */
  const emptyJson = (path: string) => fetch(`${env.url}${path}`, { method: 'POST', headers: { 'x-api-key': apiKey, 'content-type': 'application/json' } });

  beforeAll(async () => {
    sinkUrl = await sink.start();
    // 410 is a permanent failure: an event sent to /gone is dead at once, so it can be replayed.
    sink.responder = (r) => ({ status: r.url === '/gone' ? 410 : 200 });
    env = await startTestMittr();
    apiKey = (await signup(env.url)).apiKey;
    call = api(env.url, apiKey);
  });
  afterAll(async () => {
    await env?.stop();
    await sink.stop();
  });

  it('pages GET /deliveries by cursor ({data, pagination: {hasMore, cursor}}) and by the documented offset', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await call('POST', '/api/v1/events', { destination: `${sinkUrl}/d`, payload: { i } }, { 'x-idempotency-key': `d${i}` })).status).toBe(201);
    }
    await eventually(async () => (await call('GET', '/api/v1/deliveries?limit=100')).body.data.length === 5);
    const all = ids((await call('GET', '/api/v1/deliveries?limit=100')).body);

    const first = await call('GET', '/api/v1/deliveries?limit=2');
    expect(first.body.pagination).toEqual({ hasMore: true, cursor: expect.any(String) as string, offset: 0, limit: 2, nextOffset: 2 });
    const seen = ids(first.body);
    let cursor: string | null = first.body.pagination.cursor;
    let pages = 1;
    while (cursor) {
      const page = await call('GET', `/api/v1/deliveries?limit=2&cursor=${cursor}`);
      expect(page.status).toBe(200);
      expect(page.body.pagination).toMatchObject({ offset: 0, limit: 2, nextOffset: null });
      seen.push(...ids(page.body));
      cursor = page.body.pagination.cursor;
      expect(cursor === null).toBe(!page.body.pagination.hasMore);
      pages++;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(all);
    // The documented offset still pages the same list.
    const byOffset = await call('GET', '/api/v1/deliveries?limit=2&offset=2');
    expect(ids(byOffset.body)).toEqual(all.slice(2, 4));
    expect(byOffset.body.pagination).toMatchObject({ hasMore: true, offset: 2, nextOffset: 4 });
    expect(await call('GET', '/api/v1/deliveries?cursor=garbage')).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
    expect(await call('GET', `/api/v1/deliveries?offset=2&cursor=${first.body.pagination.cursor}`))
      .toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
  });

  it("answers one event's attempts and an endpoint's versions as lists too", async () => {
    const sent = await call('POST', '/api/v1/events', { destination: `${sinkUrl}/one`, payload: {} }, { 'x-idempotency-key': 'one' });
    const res = await eventually(async () => {
      const r = await call('GET', `/api/v1/events/${sent.body.id}/deliveries`);
      return r.body.count === 1 && r;
    });
    expect(res.body).toEqual({
      data: [expect.objectContaining({ eventId: sent.body.id, attemptNumber: 1, statusCode: 200 })],
      pagination: { hasMore: false, cursor: null },
      deliveries: res.body.data, count: 1,
    });
    const ep = (await call('POST', '/api/v1/endpoints', { url: `${sinkUrl}/v`, eventTypes: ['v.test'] })).body;
    const versions = await call('GET', `/api/v1/endpoints/${ep.id}/versions`);
    expect(versions.body).toMatchObject({ data: [{ version: 1, config: { url: `${sinkUrl}/v` } }], pagination: { hasMore: false, cursor: null } });
  });

  it('checks batch items like a single event: a header that is not a string, a payload that is not an object', async () => {
    const ok = { destination: `${sinkUrl}/b`, payload: {}, idempotencyKey: 'b-ok' };
    const header = await call('POST', '/api/v1/events/batch', { events: [ok, { ...ok, idempotencyKey: 'b-h', headers: { 'X-N': { n: 5 } } }] });
    expect(header).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR', error: 'body/events/1/headers/X-N must be string' } });
    for (const payload of [[1, 2], 'text', 5, null]) {
      const refused = await call('POST', '/api/v1/events/batch', { events: [ok, { ...ok, idempotencyKey: 'b-p', payload }] });
      expect(refused).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR', error: 'body/events/1/payload must be object' } });
    }
    // The very same check as the single POST.
    expect(await call('POST', '/api/v1/events', { destination: `${sinkUrl}/b`, payload: [1] }, { 'x-idempotency-key': 's-p' }))
      .toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR', error: 'body/payload must be object' } });
    expect(await call('POST', '/api/v1/events', { ...ok, idempotencyKey: undefined, headers: { 'X-N': { n: 5 } } }, { 'x-idempotency-key': 's-h' }))
      .toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR', error: 'body/headers/X-N must be string' } });

    // Nothing was reserved (the keys are free) nor appended: once the batch sent now is projected,
    // it is the only one there (the events of one project share a partition, in order).
    const later = await call('POST', '/api/v1/events/batch', { events: [ok, { ...ok, idempotencyKey: 'b-p' }, { ...ok, idempotencyKey: 'b-h' }] });
    expect(later.status).toBe(201);
    const keys = await eventually(async () => {
      const listed = (await call('GET', '/api/v1/events?limit=100')).body.data as Array<{ idempotencyKey: string }>;
      return listed.some((e) => e.idempotencyKey === 'b-ok') && listed.map((e) => e.idempotencyKey).filter((k) => /^[bs]-/.test(k));
    });
    expect(keys.sort()).toEqual(['b-h', 'b-ok', 'b-p']);
  });

  it('accepts an empty body sent as application/json on replay, pause and resume', async () => {
    const ep = (await call('POST', '/api/v1/endpoints', { url: `${sinkUrl}/e`, eventTypes: ['e.test'] })).body;
    const paused = await emptyJson(`/api/v1/endpoints/${ep.id}/pause`);
    expect(paused.status).toBe(200);
    expect(await paused.json()).toMatchObject({ id: ep.id, paused: true });
    const resumed = await emptyJson(`/api/v1/endpoints/${ep.id}/resume`);
    expect(resumed.status).toBe(200);
    expect(await resumed.json()).toMatchObject({ id: ep.id, paused: false });

    const sent = await call('POST', '/api/v1/events', { destination: `${sinkUrl}/gone`, payload: {} }, { 'x-idempotency-key': 'r1' });
    await eventually(async () => (await call('GET', `/api/v1/events/${sent.body.id}`)).body.status === 'dead');
    const replayed = await emptyJson(`/api/v1/events/${sent.body.id}/replay`);
    expect(replayed.status).toBe(200);
    expect(await replayed.json()).toMatchObject({ id: sent.body.id, status: 'queued', attempts: 0 });

    // A route that needs a body still says so, with the rule's code.
    const noBody = await emptyJson('/api/v1/events');
    expect(noBody.status).toBe(400);
    expect(await noBody.json()).toMatchObject({ code: 'VALIDATION_ERROR' });
  });

  it('answers VALIDATION_ERROR for refused content, by schema or by rule, and BAD_REQUEST for a body it cannot read', async () => {
    // Schema (TypeBox, checked by Fastify):
    expect(await call('GET', '/api/v1/events?limit=0')).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR', error: 'querystring/limit must be >= 1' } });
    expect(await call('POST', '/api/v1/events/batch/retry', { eventIds: ['nope'] })).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
    // Rules of the deciders and routes:
    const rule = await call('POST', '/api/v1/events', { eventType: 'a', payload: {}, priority: 11 }, { 'x-idempotency-key': 'v1' });
    expect(rule).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR', error: expect.stringMatching(/^priority/) as string } });
    expect(await call('POST', '/api/v1/events', { destination: `${sinkUrl}/x`, payload: {} })).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
    expect(await call('POST', '/api/v1/events/batch/retry', {})).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
    expect(await call('POST', '/api/v1/endpoints', { url: 'ftp://x.io', eventTypes: ['a'] })).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
    // A body nested thousands deep: refused before anything walks it.
    const deep = `{"destination":"${sinkUrl}/x","payload":{"a":${'['.repeat(5_000)}${']'.repeat(5_000)}}}`;
    expect(await call('POST', '/api/v1/events', deep, { 'x-idempotency-key': 'v5' })).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
    // A cursor whose time Postgres cannot hold: refused on every list, not a 500 from the query.
    const farCursor = Buffer.from(JSON.stringify([1e20, '00000000-0000-4000-8000-000000000000'])).toString('base64url');
    for (const list of ['/api/v1/events', '/api/v1/endpoints', '/api/v1/event-types', '/api/v1/deliveries']) {
      expect(await call('GET', `${list}?cursor=${farCursor}`)).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
    }
    // Out of range for the log's int: refused, not a 500 from the Avro encoder or Postgres.
    expect((await call('POST', '/api/v1/events', { destination: `${sinkUrl}/x`, payload: {}, delaySeconds: 2 ** 31 }, { 'x-idempotency-key': 'v4' })).body.code).toBe('VALIDATION_ERROR');
    const ep = (await call('POST', '/api/v1/endpoints', { url: `${sinkUrl}/v`, eventTypes: ['v.test'] })).body;
    expect((await call('GET', `/api/v1/endpoints/${ep.id}/versions/2147483648`)).body.code).toBe('VALIDATION_ERROR');
    expect((await call('POST', `/api/v1/endpoints/${ep.id}/versions/2147483648/rollback`)).body.code).toBe('VALIDATION_ERROR');
    // Unreadable:
    expect(await call('POST', '/api/v1/events', '{"payload": ', { 'x-idempotency-key': 'v2' })).toMatchObject({ status: 400, body: { code: 'BAD_REQUEST' } });
    expect(await call('POST', '/api/v1/events/00000000-0000-4000-8000-000000000000/replay', '{'))
      .toMatchObject({ status: 400, body: { code: 'BAD_REQUEST' } });
    expect(await call('POST', '/api/v1/events', '<event/>', { 'content-type': 'application/xml', 'x-idempotency-key': 'v3' }))
      .toMatchObject({ status: 415, body: { code: 'BAD_REQUEST' } });
  });
});
