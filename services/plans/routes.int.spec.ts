import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, isolatedConfig, signup, startTestMittr } from '../../test/support/mittr.ts';
import { PLANS } from './domain/catalog.ts';

describe('entitlements, egress addresses and the endpoint rate cap (hosted, free plan)', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  let call: ReturnType<typeof api>;

  beforeAll(async () => {
    env = await startTestMittr(isolatedConfig({ MITTR_SIGNUP_PLAN: 'free', MITTR_EGRESS_IPS: '203.0.113.7, 2001:db8::7' }));
    call = api(env.url, (await signup(env.url)).apiKey);
  }, 60_000);
  afterAll(async () => {
    await env?.stop();
  });

  it('GET /entitlements answers the plan, its limits and the month\'s usage', async () => {
    const res = await call('GET', '/api/v1/entitlements');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      plan: 'free', limits: PLANS.free,
      usage: { month: new Date().toISOString().slice(0, 7), messages: 0, messagesRemaining: 10_000 },
    });
    expect((await call('GET', '/api/v1/me')).body.plan).toBe('free');
  });

  it('GET /egress-ips answers the configured addresses', async () => {
    expect(await call('GET', '/api/v1/egress-ips')).toMatchObject({ status: 200, body: { ips: ['203.0.113.7', '2001:db8::7'] } });
  });

  it('caps an endpoint\'s rate at the plan\'s 10/s on create, change and rollback, and says so', async () => {
    const created = await call('POST', '/api/v1/endpoints', { url: 'https://example.com/hooks', eventTypes: ['a.*'], rateLimitPerSec: 500 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ rateLimitPerSec: 10, notices: [{ code: 'PLAN_LIMIT_APPLIED', field: 'rateLimitPerSec', requested: 500, applied: 10 }] });
    const id = created.body.id;
    const slower = await call('PATCH', `/api/v1/endpoints/${id}`, { rateLimitPerSec: 5 });
    expect(slower.body).toMatchObject({ rateLimitPerSec: 5, notices: [] });
    const unlimited = await call('PATCH', `/api/v1/endpoints/${id}`, { rateLimitPerSec: 0 });
    expect(unlimited.body).toMatchObject({ rateLimitPerSec: 10, notices: [{ requested: 0, applied: 10 }] });
    const rolledBack = await call('POST', `/api/v1/endpoints/${id}/versions/2/rollback`);
    expect(rolledBack.body).toMatchObject({ rateLimitPerSec: 5, notices: [] });
    const shown = await call('GET', `/api/v1/endpoints/${id}`);
    expect(shown.body.rateLimitPerSec).toBe(5);
    expect(shown.body).not.toHaveProperty('notices');
  });
});

describe('a self-hosted deployment (the default)', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  let call: ReturnType<typeof api>;

  beforeAll(async () => {
    env = await startTestMittr();
    call = api(env.url, (await signup(env.url)).apiKey);
  }, 60_000);
  afterAll(async () => {
    await env?.stop();
  });

  it('opens accounts on self-hosted: nothing limited, no egress addresses, an endpoint\'s 0 stays unlimited', async () => {
    const ent = (await call('GET', '/api/v1/entitlements')).body;
    expect(ent).toMatchObject({ plan: 'self-hosted', limits: PLANS['self-hosted'], usage: { messages: 0, messagesRemaining: null } });
    expect((await call('GET', '/api/v1/egress-ips')).body).toEqual({ ips: [] });
    const created = await call('POST', '/api/v1/endpoints', { url: 'https://example.com/hooks', eventTypes: ['a.*'] });
    expect(created.body).toMatchObject({ rateLimitPerSec: 0, notices: [] });
  });
});
