import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, isolatedConfig, signup, startTestMittr } from '../../test/support/mittr.ts';
import { RecordingSink } from '../../test/support/sink.ts';
import { createDb } from '../platform/postgres/db.ts';
import { rebuild } from '../rebuild.ts';
import { recentMonths } from './domain/usage.ts';

/**
 * GET /usage on the real stack, after a known workload (hosted, free plan): 7 messages, 4 of them
 * delivered at the first attempt, 2 after one failure each (the sink fails every event's first
 * attempt at /flaky), 1 routed to nobody: 8 delivery attempts.
 */
describe('usage per calendar month', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  let call: ReturnType<typeof api>;
  let accountId: string;
  const sink = new RecordingSink();
  const months = recentMonths(Date.now(), 6);
  const zero = (month: string) => ({ month, messages: 0, deliveryAttempts: 0, limit: { monthlyMessages: 10_000 } });
  const now = { month: months[0], messages: 7, deliveryAttempts: 8, limit: { monthlyMessages: 10_000 } };

  beforeAll(async () => {
    const seen = new Set<string>();
    sink.responder = (r) => {
      const id = String(r.headers['x-mittr-event-id']);
      if (!r.url.startsWith('/flaky') || seen.has(id)) return { status: 200 };
      seen.add(id);
      return { status: 500 };
    };
    const sinkUrl = await sink.start();
    env = await startTestMittr(isolatedConfig({ MITTR_SIGNUP_PLAN: 'free' }));
    const account = await signup(env.url);
    accountId = account.id;
    call = api(env.url, account.apiKey);
    const ids: string[] = [];
    const send = async (body: object, key: string) => ids.push((await call('POST', '/api/v1/events', body, { 'x-idempotency-key': key })).body.id);
    for (let i = 0; i < 4; i++) await send({ destination: `${sinkUrl}/ok`, payload: { i } }, `ok${i}`);
    for (let i = 0; i < 2; i++) await send({ destination: `${sinkUrl}/flaky`, payload: { i } }, `flaky${i}`);
    await send({ eventType: 'nobody.listens', payload: {} }, 'nobody');
    for (const id of ids) await eventually(async () => (await call('GET', `/api/v1/events/${id}`)).body.status === 'delivered', 30_000);
    expect(sink.received).toHaveLength(8);
  }, 90_000);
  afterAll(async () => {
    await env?.stop();
    await sink.stop();
  });

  it('GET /usage/current answers this month\'s messages and attempts (retries included) under the plan\'s limit', async () => {
    await eventually(async () => (await call('GET', '/api/v1/usage/current')).body.deliveryAttempts === 8, 30_000);
    expect(await call('GET', '/api/v1/usage/current')).toMatchObject({ status: 200, body: now });
  });

  it('GET /usage/history answers the months newest first, months of no use at zero; 6 by default, 1 to 24', async () => {
    expect((await call('GET', '/api/v1/usage/history')).body).toEqual({ data: [now, ...months.slice(1).map(zero)] });
    expect((await call('GET', '/api/v1/usage/history?months=2')).body).toEqual({ data: [now, zero(months[1]!)] });
    const all = (await call('GET', '/api/v1/usage/history?months=24')).body.data;
    expect(all.map((m: { month: string }) => m.month)).toEqual(recentMonths(Date.now(), 24));
    for (const bad of ['0', '25', 'x']) expect(await call('GET', `/api/v1/usage/history?months=${bad}`)).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
  });

  it('counts the same after the read models are rebuilt from the log', async () => {
    const verified = await rebuild(env.config, { verify: true });
    expect(verified.tables).toMatchObject({ usage_attempts_monthly: true, usage_monthly: true });
    await rebuild(env.config);
    expect((await call('GET', '/api/v1/usage/current')).body).toEqual(now);
  }, 120_000);

  it('answers a month counted before among zero months, in its place', async () => {
    const db = await createDb(env.config, 1);
    try {
      await db.query(sql.unsafe`INSERT INTO usage_monthly (account_id, month, messages) VALUES (${accountId}, ${`${months[2]}-01`}::date, 40)`);
      await db.query(sql.unsafe`INSERT INTO usage_attempts_monthly (account_id, month, attempts) VALUES (${accountId}, ${`${months[2]}-01`}::date, 55)`);
    } finally {
      await db.end();
    }
    expect((await call('GET', '/api/v1/usage/history?months=4')).body.data).toEqual([
      now, zero(months[1]!), { ...zero(months[2]!), messages: 40, deliveryAttempts: 55 }, zero(months[3]!),
    ]);
  });

  it('needs the usage:read scope, and shows only the caller\'s workspace', async () => {
    const narrow = (await call('POST', '/api/v1/api-keys', { name: 'events only', scopes: ['events:read'] })).body.key;
    expect(await api(env.url, narrow)('GET', '/api/v1/usage/current')).toMatchObject({ status: 403, body: { code: 'INSUFFICIENT_SCOPE', requiredScope: 'usage:read' } });
    const reader = (await call('POST', '/api/v1/api-keys', { name: 'usage', scopes: ['usage:read'] })).body.key;
    expect((await api(env.url, reader)('GET', '/api/v1/usage/current')).body).toEqual(now);
    const other = api(env.url, (await signup(env.url)).apiKey);
    expect((await other('GET', '/api/v1/usage/current')).body).toEqual(zero(months[0]!));
  });
});
