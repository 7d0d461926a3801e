import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, signup, startTestMittr } from '../../../test/support/mittr.ts';
import { RecordingSink } from '../../../test/support/sink.ts';

/**
 * A NUL character (U+0000) in any text mittr stores is refused with 400 VALIDATION_ERROR on every
 * route, before anything is appended: the read models cannot hold it. An event's payload, kept
 * as JSON text, may carry one and is delivered as sent.
 */
describe('NUL characters in requests', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  let call: ReturnType<typeof api>;
  const sink = new RecordingSink();
  let sinkUrl: string;

  beforeAll(async () => {
    sinkUrl = await sink.start();
    env = await startTestMittr();
    call = api(env.url, (await signup(env.url)).apiKey);
  });
  afterAll(async () => {
    await env?.stop();
    await sink.stop();
  });

  const refused = (res: { status: number; body: { code: string; error: string } }, field: string) => {
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_ERROR');
    expect(res.body.error).toContain(field);
  };

  it('refuses it in an event header, destination or event type, single or batched, and appends nothing', async () => {
    const dest = `${sinkUrl}/x`;
    // The reproducer of the issue, as raw JSON text.
    refused(await call('POST', '/api/v1/events', `{"destination":"${dest}","payload":{},"headers":{"X-A":"a\\u0000b"}}`, { 'x-idempotency-key': 'nul-1' }), 'body.headers.X-A');
    refused(await call('POST', '/api/v1/events', { destination: `${dest}\u0000`, payload: {} }, { 'x-idempotency-key': 'nul-2' }), 'body.destination');
    refused(await call('POST', '/api/v1/events', { eventType: 'a.\u0000', payload: {} }, { 'x-idempotency-key': 'nul-3' }), 'body.eventType');
    refused(await call('POST', '/api/v1/events/batch', { events: [
      { destination: dest, payload: {}, idempotencyKey: 'b1' }, { destination: dest, payload: {}, idempotencyKey: 'b2', headers: { 'X-B': '\u0000' } },
    ] }), 'body.events[1].headers.X-B');
    const listed = await call('GET', '/api/v1/events');
    expect(listed.body.data).toEqual([]);
    // The same keys are free: nothing was reserved.
    expect((await call('POST', '/api/v1/events', { destination: dest, payload: {} }, { 'x-idempotency-key': 'nul-1' })).status).toBe(201);
  });

  it('refuses it in an endpoint description or custom header, an event type description, a query and a signup', async () => {
    refused(await call('POST', '/api/v1/endpoints', { url: `${sinkUrl}/e`, description: 'a\u0000' }), 'body.description');
    refused(await call('POST', '/api/v1/endpoints', { url: `${sinkUrl}/e`, customHeaders: { 'X-C': 'v\u0000' } }), 'body.customHeaders.X-C');
    refused(await call('POST', '/api/v1/event-types', { name: 'nul.test', description: '\u0000' }), 'body.description');
    refused(await call('GET', '/api/v1/events?status=%00'), 'query.status');
    refused(await api(env.url)('POST', '/auth/signup', { email: 'nul@example.test', password: 'correct horse battery', companyName: 'A\u0000' }), 'body.companyName');
    expect((await call('GET', '/api/v1/endpoints')).body.data).toEqual([]);
  });

  it('lets it through in an event payload, which is projected and delivered as sent', async () => {
    const sent = await call('POST', '/api/v1/events', `{"destination":"${sinkUrl}/p","payload":{"s":"a\\u0000b"}}`, { 'x-idempotency-key': 'nul-payload' });
    expect(sent.status).toBe(201);
    const [received] = await sink.waitFor(() => sink.received.some((r) => r.url === '/p')).then(() => sink.received.filter((r) => r.url === '/p'));
    expect(JSON.parse(received!.body)).toEqual({ s: 'a\u0000b' });
    const shown = await eventually(async () => {
      const res = await call('GET', `/api/v1/events/${sent.body.id}`);
      return res.status === 200 && res.body.status === 'delivered' ? res.body : undefined;
    });
    expect(shown.payload).toEqual({ s: 'a\u0000b' });
  });
});
