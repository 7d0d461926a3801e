import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestMittr } from '../../test/support/mittr.ts';

type Res = { status: number; body: any; headers: Headers }; // eslint-disable-line @typescript-eslint/no-explicit-any -- specs read arbitrary JSON

/** Login sessions on the real stack: the cookie works where X-API-Key does, changes need the CSRF token. */
describe('login and sessions', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  let base: string;
  const password = 'correct horse battery';
  let email: string;
  let apiKey: string;
  let accountId: string;

  /** A request with the session cookie (and, when given, the CSRF token). */
  const withCookie = async (cookie: string, method: string, path: string, body?: unknown, csrf?: string): Promise<Res> =>
    api(base)(method, path, body, { cookie: `mittr_session=${cookie}`, ...(csrf ? { 'x-csrf-token': csrf } : {}) });
  const login = (body: Record<string, unknown>, headers: Record<string, string> = {}) => api(base)('POST', '/auth/login', body, headers);
  const cookieOf = (res: Res) => /mittr_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];

  beforeAll(async () => {
    env = await startTestMittr();
    base = env.url;
    email = `u${randomBytes(6).toString('hex')}@example.test`;
    const signup = await api(base)('POST', '/auth/signup', { email, password, companyName: 'Acme' });
    expect(signup.status).toBe(201);
    ({ apiKey, id: accountId } = signup.body as { apiKey: string; id: string });
  });
  afterAll(async () => { await env?.stop(); });

  it('logs in with e-mail and password: an HttpOnly SameSite=Lax cookie, the user, the workspace and the admin role', async () => {
    const res = await login({ email: email.toUpperCase(), password });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ user: { email }, workspace: { id: accountId, companyName: 'Acme' }, role: 'admin', csrfToken: expect.any(String) as string });
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/mittr_session=[^;]+; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax/);
    expect(setCookie).not.toContain('Secure');
    const session = await withCookie(cookieOf(res)!, 'GET', '/auth/session');
    expect(session).toMatchObject({ status: 200, body: { user: { email }, role: 'admin', csrfToken: res.body.csrfToken } });
  });

  it('accepts the cookie on /api/v1 for reads; a change needs the session\'s X-CSRF-Token', async () => {
    const res = await login({ email, password });
    const cookie = cookieOf(res)!;
    expect((await withCookie(cookie, 'GET', '/api/v1/events')).status).toBe(200);
    const event = { destination: 'http://127.0.0.1:9/x', payload: { a: 1 } };
    const noToken = await api(base)('POST', '/api/v1/events', event, { cookie: `mittr_session=${cookie}`, 'x-idempotency-key': randomUUID() });
    expect(noToken).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
    const wrong = await api(base)('POST', '/api/v1/events', event, { cookie: `mittr_session=${cookie}`, 'x-csrf-token': 'x'.repeat(43), 'x-idempotency-key': randomUUID() });
    expect(wrong.status).toBe(403);
    const ok = await api(base)('POST', '/api/v1/events', event, { cookie: `mittr_session=${cookie}`, 'x-csrf-token': res.body.csrfToken, 'x-idempotency-key': randomUUID() });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
  });

  it('refuses a wrong password or an unknown e-mail alike, and throttles an e-mail after 10 failures (429, Retry-After)', async () => {
    const wrong = await login({ email, password: 'not the password' });
    const unknown = await login({ email: `nobody-${randomUUID()}@example.test`, password });
    expect(wrong).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED', error: 'wrong e-mail or password' } });
    expect(unknown).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED', error: 'wrong e-mail or password' } });
    const target = `t${randomBytes(4).toString('hex')}@example.test`;
    await api(base)('POST', '/auth/signup', { email: target, password });
    for (let i = 0; i < 10; i++) expect((await login({ email: target, password: 'wrong wrong' })).status).toBe(401);
    const throttled = await login({ email: target, password });
    expect(throttled).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('answers /me with the user, role, workspaces and projects; onboarding names the company', async () => {
    const res = await login({ email, password });
    const me = await withCookie(cookieOf(res)!, 'GET', '/api/v1/me');
    expect(me).toMatchObject({ status: 200, body: {
      id: accountId, companyName: 'Acme', user: { email, emailVerified: false }, role: 'admin', onboardedAt: null,
      workspaces: [{ id: accountId, companyName: 'Acme', role: 'admin' }], projects: [{ name: 'Default', environment: 'production' }],
      signingSecret: expect.stringMatching(/^whsec_/) as string,
    } });
    const done = await withCookie(cookieOf(res)!, 'POST', '/api/v1/me/onboarding-complete', { companyName: 'Acme Corp' }, res.body.csrfToken);
    expect(done).toMatchObject({ status: 200, body: { companyName: 'Acme Corp' } });
    expect(await api(base, apiKey)('GET', '/api/v1/me')).toMatchObject({ status: 200, body: { companyName: 'Acme Corp', user: null, role: null, onboardedAt: expect.any(String) as string } });
  });

  it('logs out: the cookie stops working at once', async () => {
    const res = await login({ email, password });
    const cookie = cookieOf(res)!;
    const out = await withCookie(cookie, 'DELETE', '/auth/session');
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/mittr_session=;/);
    expect(await withCookie(cookie, 'GET', '/api/v1/events')).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED' } });
    expect((await withCookie(cookie, 'GET', '/auth/session')).status).toBe(401);
    expect((await withCookie('garbage', 'GET', '/api/v1/events')).status).toBe(401);
  });

  it('opens a session from an API key, acting with that key\'s scopes, and ending with the key', async () => {
    const admin = api(base, apiKey);
    const scoped = await admin('POST', '/api/v1/api-keys', { name: 'reader', scopes: ['events:read'] });
    const res = await api(base)('POST', '/auth/session', undefined, { 'x-api-key': scoped.body.key });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ user: null, workspace: { id: accountId } });
    const cookie = cookieOf(res)!;
    expect((await withCookie(cookie, 'GET', '/api/v1/events')).status).toBe(200);
    expect(await withCookie(cookie, 'GET', '/api/v1/endpoints')).toMatchObject({ status: 403, body: { code: 'INSUFFICIENT_SCOPE' } });
    expect((await admin('DELETE', `/api/v1/api-keys/${scoped.body.id}`)).status).toBe(204);
    expect((await withCookie(cookie, 'GET', '/api/v1/events')).status).toBe(401);
    expect(await api(base)('POST', '/auth/session')).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED' } });
  });
});
