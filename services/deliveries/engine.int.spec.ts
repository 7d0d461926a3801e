import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, busiestWindow, eventually, signup, startTestMittr } from '../../test/support/mittr.ts';
import { RecordingSink, type Received } from '../../test/support/sink.ts';
import { mulberry32 } from '../../test/support/prng.ts';

describe('the delivery engine honours endpoint controls', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  const sink = new RecordingSink();
  let sinkUrl: string;
  let call: ReturnType<typeof api>;
  const rand = mulberry32(42);
  let cbHealthy = false;
  let n = 0;
  const at = (path: string) => sink.received.filter((r) => r.url === path);
  const send = (eventType: string, payload: Record<string, unknown>) =>
    call('POST', '/api/v1/events', { eventType, payload }, { 'x-idempotency-key': `e${++n}-${Date.now()}` });
  const endpoint = async (body: Record<string, unknown>) => {
    const res = await call('POST', '/api/v1/endpoints', body);
    expect(res.body).toMatchObject({ url: body.url });
    return res.body;
  };

  beforeAll(async () => {
    sinkUrl = await sink.start();
    sink.responder = (r: Received) => {
      if (r.url === '/fifo') return { status: rand() < 0.3 ? 500 : 200 };
      if (r.url === '/cb') return { status: cbHealthy ? 200 : 500 };
      return { status: 200 };
    };
    env = await startTestMittr();
    call = api(env.url, (await signup(env.url)).apiKey);
  });
  afterAll(async () => {
    await env?.stop();
    await sink.stop();
  });

  it('creates no delivery for an event the endpoint filter rejects', async () => {
    await endpoint({ url: `${sinkUrl}/filtered`, eventTypes: ['payment.*'], filter: [{ field: '$.data.amount', operator: 'gte', value: 10_000 }] });
    const small = await send('payment.made', { amount: 5_000 });
    const big = await send('payment.made', { amount: 20_000 });
    await sink.waitFor(() => at('/filtered').length === 1);
    expect(JSON.parse(at('/filtered')[0]!.body)).toEqual({ amount: 20_000 });
    const skipped = await eventually(async () => {
      const e = (await call('GET', `/api/v1/events/${small.body.id}`)).body;
      return e.status === 'delivered' ? e : undefined;
    });
    expect(skipped.deliveryAttempts).toEqual([]);
    expect(big.status).toBe(201);
  });

  it('runs the endpoint transformation in a sandbox: changes are signed and sent, loops and cancels harm nothing', async () => {
    const changed = await endpoint({ url: `${sinkUrl}/t-orig`, eventTypes: ['t.test'], transformation:
      'function transform(w) { w.payload = { wrapped: w.payload, type: w.eventType }; w.headers["X-Extra"] = "1"; w.url = w.url.replace("t-orig", "t-new"); return w; }' });
    const looping = await endpoint({ url: `${sinkUrl}/t-loop`, eventTypes: ['t.test'], maxRetries: 1, transformation: 'function transform(w) { while (true) {} }' });
    await endpoint({ url: `${sinkUrl}/t-cancel`, eventTypes: ['t.test'], transformation: 'function transform(w) { return null; }' });
    const sent = await send('t.test', { a: 1 });
    const [r] = await sink.waitFor(() => at('/t-new').length === 1).then(() => at('/t-new'));
    expect(JSON.parse(r!.body)).toEqual({ wrapped: { a: 1 }, type: 't.test' });
    expect(r!.headers['x-extra']).toBe('1');
    const expected = createHmac('sha256', changed.signingSecret).update(`${r!.headers['x-mittr-timestamp']}.${r!.body}`).digest('hex');
    expect(r!.headers['x-mittr-signature']).toBe(`v1=${expected}`);
    const done = await eventually(async () => {
      const e = (await call('GET', `/api/v1/events/${sent.body.id}`)).body;
      return e.status === 'dead' ? e : undefined;
    });
    const byEndpoint = (id: string) => done.deliveryAttempts.find((a: { endpointId: string }) => a.endpointId === id);
    expect(byEndpoint(looping.id)).toMatchObject({ errorCategory: 'transform', statusCode: null });
    expect(byEndpoint(looping.id).error).toMatch(/transformation failed/);
    expect(done.deliveryAttempts.find((a: { errorCategory: string }) => a.errorCategory === 'cancelled')).toMatchObject({ outcome: 'success' });
    expect(at('/t-cancel')).toHaveLength(0);
    expect(at('/t-loop')).toHaveLength(0);
  });

  it('keeps per-key order across 30% injected failures while other keys flow (FIFO)', async () => {
    await endpoint({ url: `${sinkUrl}/fifo`, eventTypes: ['order.*'], fifo: true, fifoPartitionKey: '$.data.customerId',
      retryBackoffMs: 100, retryBackoffMax: 400, maxRetries: 25, circuitThreshold: 0 });
    const keys = 8;
    const perKey = 15;
    for (let i = 0; i < perKey; i++) {
      const events = Array.from({ length: keys }, (_, k) => ({ customerId: `c${k}`, seq: i }));
      for (const p of events) expect((await send('order.updated', p)).status).toBe(201);
    }
    await sink.waitFor(() => {
      const ok = new Set<string>();
      for (const r of at('/fifo')) ok.add(r.body);
      return ok.size === keys * perKey;
    }, 90_000);
    // Attempts of a key never go backwards: n+1 is only tried after n's last (successful) attempt.
    const byKey = new Map<string, number[]>();
    for (const r of at('/fifo')) {
      const p = JSON.parse(r.body) as { customerId: string; seq: number };
      byKey.set(p.customerId, [...(byKey.get(p.customerId) ?? []), p.seq]);
    }
    expect(byKey.size).toBe(keys);
    for (const [, seqs] of byKey) {
      for (let i = 1; i < seqs.length; i++) expect(seqs[i]!).toBeGreaterThanOrEqual(seqs[i - 1]!);
      expect(new Set(seqs).size).toBe(perKey);
    }
    expect(at('/fifo').length).toBeGreaterThan(keys * perKey); // failures were injected and retried
  });

  it('paces deliveries to rateLimitPerSec, within 10% over 10 s, without dropping or failing the excess', async () => {
    const rate = 30;
    const total = 330;
    await endpoint({ url: `${sinkUrl}/limited`, eventTypes: ['rate.test'], rateLimitPerSec: rate });
    const batchSize = 55;
    for (let i = 0; i < total; i += batchSize) {
      await Promise.all(Array.from({ length: batchSize }, (_, j) => send('rate.test', { i: i + j })));
    }
    const received = await sink.waitFor(() => at('/limited').length >= total, 60_000).then(() => at('/limited'));
    expect(received).toHaveLength(total);
    const worst = busiestWindow(received.map((r) => r.at), 10_000);
    expect(worst).toBeLessThanOrEqual(rate * 10 * 1.1);
    const statuses = await call('GET', '/api/v1/deliveries?range=1h&outcome=failure&limit=200');
    expect(statuses.body.data.filter((d: { url: string }) => d.url.endsWith('/limited'))).toEqual([]);
  });

  it('opens the circuit after consecutive failures, sends nothing while open, probes and closes', async () => {
    const ep = await endpoint({ url: `${sinkUrl}/cb`, eventTypes: ['cb.test'], circuitThreshold: 3, circuitResetMs: 2_000,
      retryBackoffMs: 200, retryBackoffMax: 200, maxRetries: 20 });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await send('cb.test', { i })).body.id);
    await sink.waitFor(() => at('/cb').length >= 3);
    const opened = await eventually(async () => {
      const e = (await call('GET', `/api/v1/endpoints/${ep.id}`)).body;
      return e.circuitState === 'open' ? e : undefined;
    }, 10_000, 50);
    expect(opened.circuitOpenUntil).toBeTruthy();
    const whileOpen = at('/cb').length;
    await new Promise((r) => setTimeout(r, 1_200));
    expect(at('/cb').length).toBe(whileOpen); // nothing is sent while open
    cbHealthy = true;
    for (const id of ids) {
      await eventually(async () => (await call('GET', `/api/v1/events/${id}`)).body.status === 'delivered', 30_000);
    }
    const failures = at('/cb').length - ids.length;
    const attempts = await Promise.all(ids.map(async (id) => (await call('GET', `/api/v1/events/${id}`)).body.attempts as number));
    // No attempt burned while open: the recorded attempts are exactly what the receiver saw.
    expect(attempts.reduce((a, b) => a + b, 0)).toBe(failures + ids.length);
    const closed = await eventually(async () => {
      const e = (await call('GET', `/api/v1/endpoints/${ep.id}`)).body;
      return e.circuitState === 'closed' ? e : undefined;
    }, 10_000);
    expect(closed.circuitOpenUntil).toBeNull();
  });
});
