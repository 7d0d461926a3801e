import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usageSnapshot } from '../../projections/usage/queries.ts';
import { api, eventually, isolatedConfig, signup, startTestMittr } from '../../test/support/mittr.ts';
import { RecordingSink } from '../../test/support/sink.ts';
import { createDb } from '../platform/postgres/db.ts';
import { rebuild } from '../rebuild.ts';
import { monthOf } from './domain/quota.ts';

/**
 * A hosted deployment (MITTR_SIGNUP_PLAN=free: 10,000 messages a month) on the real stack: the
 * spec sends the whole free month, in batches (direct events, delivered to a local sink) and
 * single events (by a type no endpoint subscribes to, so routed to nobody).
 */
describe('the monthly message quota (free plan)', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  let call: ReturnType<typeof api>;
  let accountId: string;
  const sink = new RecordingSink();
  let sinkUrl: string;
  const batch = (from: number, n: number, tag = 'b') =>
    ({ events: Array.from({ length: n }, (_, i) => ({ destination: sinkUrl, payload: { i: from + i }, idempotencyKey: `${tag}${from + i}` })) });
  const send = (key: string) => call('POST', '/api/v1/events', { eventType: 'quota.tick', payload: {} }, { 'x-idempotency-key': key });
  const used = async () => (await call('GET', '/api/v1/entitlements')).body.usage;

  beforeAll(async () => {
    sinkUrl = `${await sink.start()}/quota`;
    env = await startTestMittr(isolatedConfig({ MITTR_SIGNUP_PLAN: 'free' }));
    const account = await signup(env.url);
    accountId = account.id;
    call = api(env.url, account.apiKey);
  }, 60_000);
  afterAll(async () => {
    await env?.stop();
    await sink.stop();
  });

  it('accepts up to the limit, single or batch, and answers 402 beyond it with nothing accepted or reserved', async () => {
    for (let b = 0; b < 99; b++) expect((await call('POST', '/api/v1/events/batch', batch(b * 100, 100))).status).toBe(201);
    expect((await call('POST', '/api/v1/events/batch', batch(9_900, 50))).status).toBe(201);
    expect(await used()).toMatchObject({ month: monthOf(Date.now()), messages: 9_950, messagesRemaining: 50 });

    // 9,950 + 100 > 10,000: the whole batch is refused, none of it cut to fit.
    const over = await call('POST', '/api/v1/events/batch', batch(9_950, 100, 'x'));
    expect(over).toMatchObject({ status: 402, body: { code: 'QUOTA_EXCEEDED', error: expect.stringMatching(/monthly message quota/) } });
    expect((await used()).messages).toBe(9_950);
    // Its keys were not reserved: the first 49 of them are accepted now (9,999).
    expect((await call('POST', '/api/v1/events/batch', batch(9_950, 49, 'x'))).status).toBe(201);

    expect((await send('last')).status).toBe(201); // the 10,000th: the limit itself is allowed
    const single = await send('one-too-many');
    expect(single).toMatchObject({ status: 402, body: { code: 'QUOTA_EXCEEDED' } });
    expect((await call('POST', '/api/v1/events/batch', batch(0, 1, 'y'))).status).toBe(402);
    // The refused single's key is free: it is not "already used" (a 409), it is still over quota.
    expect((await send('one-too-many')).status).toBe(402);
    expect(await used()).toMatchObject({ messages: 10_000, messagesRemaining: 0 });
  }, 120_000);

  it('counts the month exactly in the read model, and again after it is rebuilt from the log', async () => {
    const db = await createDb(env.config, 1);
    const counted = async () => (await usageSnapshot(db, env.config.topicPrefix + 'events', [{ accountId, month: monthOf(Date.now()) }])).counts.get(`${accountId}|${monthOf(Date.now())}`);
    try {
      await eventually(async () => (await counted()) === 10_000, 30_000);
      const verified = await rebuild(env.config, { verify: true });
      expect(verified.tables).toMatchObject({ usage_monthly: true });
      await rebuild(env.config);
      expect(await counted()).toBe(10_000);
      // The API's counter kept the month through the rebuild: still refused.
      expect((await send('after-rebuild')).status).toBe(402);
    } finally {
      await db.end();
    }
  }, 120_000);
});
