import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, signup, startTestMittr } from '../../test/support/mittr.ts';
import { RecordingSink } from '../../test/support/sink.ts';
import { MAX_TRIALS_IN_FLIGHT } from './trial-routes.ts';

const RETOTAL = `function transform(webhook) {
  webhook.payload.total = webhook.payload.cents / 100;
  webhook.headers['X-Shop'] = 'acme';
  return webhook;
}`;
const sample = { type: 'order.created', payload: { cents: 1999, currency: 'EUR' }, headers: { 'X-Source': 'trial' } };

describe('POST /endpoints/try and /endpoints/{id}/try: a filter and a transformation on a sample event', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  const sink = new RecordingSink();
  let sinkUrl: string;
  let call: ReturnType<typeof api>;

  beforeAll(async () => {
    sinkUrl = await sink.start();
    env = await startTestMittr();
    call = api(env.url, (await signup(env.url)).apiKey);
  });
  afterAll(async () => {
    await env?.stop();
    await sink.stop();
  });

  it('runs a draft transformation and says what would be sent; a draft filter that refuses names its rule', async () => {
    const ran = await call('POST', '/api/v1/endpoints/try', { event: sample, transformation: RETOTAL, url: `${sinkUrl}/draft`, customHeaders: { 'X-Team': 'ops' } });
    expect(ran.status, JSON.stringify(ran.body)).toBe(200);
    expect(ran.body).toMatchObject({
      delivered: true, subscribed: null, filter: { matched: true, decidedBy: null, rules: [] },
      transformation: { outcome: 'transformed', eventType: 'order.created', payload: { cents: 1999, currency: 'EUR', total: 19.99 },
        headers: { 'X-Team': 'ops', 'X-Source': 'trial', 'X-Shop': 'acme' }, url: `${sinkUrl}/draft` },
    });
    const filter = [{ field: '$.data.currency', operator: 'eq', value: 'EUR' }, { field: '$.headers.X-Source', operator: 'eq', value: 'shop' }];
    const refused = await call('POST', '/api/v1/endpoints/try', { event: sample, filter, eventTypes: ['refund.*'] });
    expect(refused.body).toMatchObject({
      delivered: false, subscribed: false, transformation: { outcome: 'none' },
      filter: { matched: false, decidedBy: 1, rules: [{ index: 0, matched: true }, { index: 1, field: '$.headers.X-Source', operator: 'eq', matched: false }] },
    });
  });

  it('answers a transformation that throws, loops, cancels or returns a forged header as a result, not an error', async () => {
    const run = async (transformation: string) => {
      const r = await call('POST', '/api/v1/endpoints/try', { event: sample, transformation });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body as { delivered: boolean; transformation: { outcome: string; error?: string; code?: string } };
    };
    const threw = await run('function transform(w) {\n  throw new Error("no customer");\n}');
    expect(threw).toMatchObject({ delivered: false, transformation: { outcome: 'error', code: 'TRANSFORM_ERROR' } });
    expect(threw.transformation.error).toMatch(/^Error: no customer\n.*transform\.js:2/);
    expect((await run('function transform(w) { for (;;) {} }')).transformation.error).toMatch(/CPU time limit of 100 ms/);
    expect((await run('function transform(w) {')).transformation.error).toMatch(/^SyntaxError/);
    expect((await run('function transform(w) { w.headers["X-Mittr-Signature"] = "x"; return w; }')).transformation.error).toMatch(/is set by mittr/);
    expect(await run('function transform(w) { return null; }')).toMatchObject({ delivered: false, transformation: { outcome: 'cancelled' } });
  });

  it('tries the saved endpoint by id, a draft field over it, and the trial is what a delivery does', async () => {
    const created = await call('POST', '/api/v1/endpoints', {
      url: `${sinkUrl}/saved`, eventTypes: ['order.*'], transformation: RETOTAL, customHeaders: { 'X-Team': 'ops' },
      filter: [{ field: '$.data.currency', operator: 'eq', value: 'EUR' }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    const tried = await call('POST', `/api/v1/endpoints/${id}/try`, { event: sample });
    expect(tried.body).toMatchObject({ delivered: true, subscribed: true, filter: { matched: true, rules: [{ index: 0, matched: true }] }, transformation: { outcome: 'transformed', url: `${sinkUrl}/saved` } });
    // The same event, sent for real: the receiver gets the body and headers the trial showed.
    const sent = await call('POST', '/api/v1/events', { eventType: sample.type, payload: sample.payload, headers: sample.headers }, { 'x-idempotency-key': `trial-${Date.now()}` });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    await sink.waitFor(() => sink.received.some((r) => r.url === '/saved'));
    const got = sink.received.find((r) => r.url === '/saved')!;
    expect(JSON.parse(got.body)).toEqual(tried.body.transformation.payload);
    for (const [name, value] of Object.entries(tried.body.transformation.headers as Record<string, string>)) expect(got.headers[name.toLowerCase()], name).toBe(value);
    // A draft's fields replace the saved ones; null clears one for the trial.
    const draft = await call('POST', `/api/v1/endpoints/${id}/try`, { event: { ...sample, payload: { cents: 1, currency: 'USD' } }, transformation: null });
    expect(draft.body).toMatchObject({ delivered: false, filter: { matched: false, decidedBy: 0 }, transformation: { outcome: 'none' } });
    const cleared = await call('POST', `/api/v1/endpoints/${id}/try`, { event: { ...sample, payload: { cents: 1, currency: 'USD' } }, filter: null, transformation: null });
    expect(cleared.body).toMatchObject({ delivered: true, filter: { matched: true, rules: [] } });
  });

  it('answers 404 for another workspace\'s endpoint, and 4xx, never 500, for bad input', async () => {
    const mine = (await call('POST', '/api/v1/endpoints', { url: `${sinkUrl}/mine`, eventTypes: ['x'] })).body.id as string;
    const other = api(env.url, (await signup(env.url)).apiKey);
    expect(await other('POST', `/api/v1/endpoints/${mine}/try`, { event: sample })).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect(await call('POST', '/api/v1/endpoints/not-a-uuid/try', { event: sample })).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    const bad = [
      {}, { event: {} }, { event: { ...sample, headers: { 'X-Count': 1 } } }, { event: sample, transformation: 42 },
      { event: sample, filter: [{ field: 'currency', operator: 'eq', value: 'EUR' }] }, { event: sample, filter: { field: '$.x' } },
      { event: { ...sample, headers: { 'X-Mittr-Signature': 'forged' } } }, { event: sample, transformation: RETOTAL, url: 'ftp://x' },
      { event: sample, transformation: 'x'.repeat(70_000) }, '{"event":',
    ];
    for (const body of bad) {
      const r = await call('POST', '/api/v1/endpoints/try', body);
      expect(r.status, JSON.stringify(body).slice(0, 100)).toBeGreaterThanOrEqual(400);
      expect(r.status, JSON.stringify(r.body)).toBeLessThan(500);
      expect(r.body).toMatchObject({ error: expect.any(String), code: expect.any(String) });
    }
  });

  it('tells a burst beyond what it runs at once to retry (429), and still answers every other trial', async () => {
    const burst = await Promise.all(Array.from({ length: MAX_TRIALS_IN_FLIGHT + 8 }, () =>
      call('POST', '/api/v1/endpoints/try', { event: sample, transformation: 'function transform(w) { for (;;) {} }' })));
    const refused = burst.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(8);
    expect(refused[0]).toMatchObject({ body: { code: 'RATE_LIMITED', error: expect.stringMatching(/trials are already running/) } });
    expect(refused[0]!.headers.get('retry-after')).toBe('1');
    const ran = burst.filter((r) => r.status === 200);
    expect(ran.length + refused.length).toBe(burst.length);
    for (const r of ran) expect(r.body.transformation.error).toMatch(/CPU time limit/);
    // Once they are done, a trial runs again.
    expect((await call('POST', '/api/v1/endpoints/try', { event: sample, transformation: RETOTAL })).body.transformation.outcome).toBe('transformed');
  });

  it('needs endpoints:write: a read-only key is refused', async () => {
    const reader = (await call('POST', '/api/v1/api-keys', { name: 'reader', scopes: ['endpoints:read'] })).body.key as string;
    expect(await api(env.url, reader)('POST', '/api/v1/endpoints/try', { event: sample })).toMatchObject({ status: 403, body: { code: 'INSUFFICIENT_SCOPE' } });
  });
});
