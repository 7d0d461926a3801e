import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, signup, startTestMittr } from '../../test/support/mittr.ts';

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
});
