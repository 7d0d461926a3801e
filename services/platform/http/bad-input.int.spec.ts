import { STATUS_CODES } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, signup, startTestMittr } from '../../../test/support/mittr.ts';

/** Issue 17 §4: each input that answered 500 (or was silently coerced) is refused with 400 {error, code}. */
describe('bad input is refused, never a 500 or a coercion', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  let call: ReturnType<typeof api>;
  const dest = 'http://127.0.0.1:9/bad-input';
  const refused = { status: 400, body: { error: expect.any(String) as string, code: 'VALIDATION_ERROR' } };

  beforeAll(async () => {
    env = await startTestMittr();
    call = api(env.url, (await signup(env.url)).apiKey);
  });
  afterAll(async () => { await env?.stop(); });

  it('refuses a JSON value of the wrong type instead of coercing it', async () => {
    const endpoint = { url: dest, eventTypes: ['a.b'] };
    expect(await call('POST', '/api/v1/endpoints', { ...endpoint, transformation: ['x'] })).toMatchObject(refused);
    expect(await call('POST', '/api/v1/endpoints', { ...endpoint, fifoPartitionKey: '' })).toMatchObject(refused);
    expect(await call('POST', '/api/v1/event-types', { name: 'a.v', schemaVersion: ['x'] })).toMatchObject(refused);
    for (const schema of [false, 0, '']) {
      expect(await call('POST', '/api/v1/event-types', { name: 'a.s', schema })).toMatchObject(refused);
    }
    const item = { destination: dest, payload: {}, idempotencyKey: 'k' };
    expect(await call('POST', '/api/v1/events/batch', { events: [{ ...item, idempotencyKey: 5 }] })).toMatchObject(refused);
    expect(await call('POST', '/api/v1/events/batch', { events: [null] })).toMatchObject(refused);
    expect(await call('POST', '/api/v1/events/batch', { events: [{ ...item, headers: 'x' }] })).toMatchObject(refused);
    expect(await call('POST', '/api/v1/events/batch', { events: [{ ...item, headers: ['x'] }] })).toMatchObject(refused);
    // Query strings and paths are text: they are still read as the numbers their schemas ask for.
    expect((await call('GET', '/api/v1/events?limit=5')).status).toBe(200);
    expect(await call('GET', '/api/v1/event-types/by-name/%00')).toMatchObject(refused);
  });

  it("refuses headers that forge mittr's or cannot be sent, from events, batches, edits and endpoints (issue 17 §3)", async () => {
    const forged = [{ 'X-Mittr-Signature': 'v1=forged' }, { 'webhook-signature': 'v1,x' }, { 'X-Mittr-Event-ID': 'e' }, { 'Content-Type': 'text/plain' },
      { 'User-Agent': 'x' }, { Host: 'forged.example' }, { 'bad name': 'x' }, { '': 'x' }, { 'X-A': 'a\r\nX-Injected: 1' },
      { 'Content-Length': '1' }, { 'Transfer-Encoding': 'chunked' }, { Expect: '100-continue' }];
    for (const headers of forged) {
      const what = JSON.stringify(headers);
      expect(await call('POST', '/api/v1/events', { destination: dest, payload: {}, headers }, { 'x-idempotency-key': `h-${what}` }), what).toMatchObject(refused);
      expect(await call('POST', '/api/v1/events/batch', { events: [{ destination: dest, payload: {}, idempotencyKey: 'b', headers }] }), what).toMatchObject(refused);
      expect(await call('POST', '/api/v1/endpoints', { url: dest, eventTypes: ['a.h'], customHeaders: headers }), what).toMatchObject(refused);
    }
    const sent = await call('POST', '/api/v1/events', { destination: dest, payload: {}, maxAttempts: 1, headers: { 'X-Trace': 't' } }, { 'x-idempotency-key': 'h-ok' });
    expect(sent.status).toBe(201);
    await eventually(async () => ((await call('GET', `/api/v1/events/${sent.body.id}`)).body.status === 'dead' ? true : undefined));
    expect(await call('PATCH', `/api/v1/events/${sent.body.id}`, { headers: { 'X-Mittr-Signature': 'v1=forged' } })).toMatchObject(refused);
    expect((await call('PATCH', `/api/v1/events/${sent.body.id}`, { headers: { 'X-Trace': 'edited' } })).status).toBe(200);
  });

  it("answers what the HTTP parser refuses with {error, code} too (issue 17 §4)", async () => {
    const { hostname, port } = new URL(env.url);
    const raw = (request: string) => new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname);
      let answer = '';
      socket.setTimeout(5_000, () => { socket.destroy(); reject(new Error('no answer')); });
      socket.on('data', (d) => { answer += d.toString('latin1'); });
      socket.on('close', () => resolve(answer));
      socket.on('error', () => resolve(answer));
      socket.write(request, 'latin1');
    });
    const cases: Array<[string, number, string]> = [
      ['GET /health HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0001b\r\n\r\n', 400, 'BAD_REQUEST'],
      ['POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}', 400, 'BAD_REQUEST'],
      ['POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}', 400, 'BAD_REQUEST'],
      [`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'HEADERS_TOO_LARGE'],
      ['NOT HTTP AT ALL\r\n\r\n', 400, 'BAD_REQUEST'],
    ];
    for (const [request, status, code] of cases) {
      const answer = await raw(request);
      expect(answer.split('\r\n')[0], request.slice(0, 60)).toBe(`HTTP/1.1 ${status} ${STATUS_CODES[status]}`);
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ code, error: expect.any(String) as string });
    }
    expect((await call('GET', '/health')).status).toBe(200);
  });
});
