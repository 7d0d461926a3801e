import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, signup, startTestMittr } from '../../test/support/mittr.ts';
import { RecordingSink } from '../../test/support/sink.ts';
import type { DatabasePool } from 'slonik';
import { portalFrameAncestors } from '../../projections/sub-accounts/queries.ts';
import { createDb } from '../platform/postgres/db.ts';

type Call = ReturnType<typeof api>;

describe('sub-accounts, portal sessions and the sub-account runtime API', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  let parent: Call;
  let stranger: Call;
  const sink = new RecordingSink();
  let sinkUrl: string;
  let db: DatabasePool;
  let n = 0;
  const key = () => ({ 'x-idempotency-key': `k${++n}-${Date.now()}` });
  const anon = () => api(env.url);
  const subAccounts = () => env.mittr.store!.state.subAccounts;
  const portal = (token: string) => (method: string, path: string, body?: unknown) => anon()(method, `/sub-account-api${path}`, body, { authorization: `Bearer ${token}` });
  /** Ages a session's times in the spec's own schema: the clock the tokens expire by is Postgres's. */
  async function age(sessionId: string, set: string) {
    const client = new pg.Client({ connectionString: env.config.databaseUrl });
    await client.connect();
    try { await client.query(`UPDATE "${env.config.databaseSchema}".portal_sessions SET ${set} WHERE id = $1`, [sessionId]); } finally { await client.end(); }
  }
  const create = (call: Call, subID: string, extra: object = {}) =>
    call('POST', '/api/v1/sub-accounts', { name: `Customer ${subID}`, subID, metadata: { tier: 'enterprise' }, allowedOrigins: ['https://app.example.com'], ...extra });
  async function openPortal(subAccountId: string) {
    const minted = await parent('POST', `/api/v1/sub-accounts/${subAccountId}/sessions`, { returnURL: 'https://app.example.com/integrations' });
    expect(minted.status).toBe(201);
    const token = new URL(minted.body.url).searchParams.get('token')!;
    const exchanged = await anon()('POST', '/sub-account-api/auth/exchange', { token });
    expect(exchanged.status).toBe(200);
    return { minted: minted.body, exchangeToken: token, sessionToken: exchanged.body.sessionToken as string, call: portal(exchanged.body.sessionToken) };
  }

  beforeAll(async () => {
    env = await startTestMittr();
    parent = api(env.url, (await signup(env.url)).apiKey);
    stranger = api(env.url, (await signup(env.url)).apiKey);
    sinkUrl = await sink.start();
    db = await createDb(env.config, 2);
  });
  afterAll(async () => {
    await db?.end();
    await sink.stop();
    await env?.stop();
  });

  it('creates, lists, reads, changes and deactivates a sub-account; subID is unique; another workspace gets 404', async () => {
    const made = await create(parent, 'cust_crud');
    expect(made).toMatchObject({ status: 201, body: { name: 'Customer cust_crud', subID: 'cust_crud', metadata: { tier: 'enterprise' }, allowedOrigins: ['https://app.example.com'], status: 'active', version: 1 } });
    const id = made.body.id;
    expect((await parent('GET', `/api/v1/sub-accounts/${id}`)).body).toEqual(made.body);
    expect((await create(parent, 'cust_crud')).status).toBe(409);
    expect((await create(parent, 'cust_bad', { allowedOrigins: ['https://app.example.com/path'] }))).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
    const second = await create(parent, 'cust_crud2');
    const page1 = await eventually(async () => { const r = await parent('GET', '/api/v1/sub-accounts?limit=1'); return r.body.data[0]?.id === second.body.id && r; });
    expect(page1.body).toMatchObject({ data: [{ id: second.body.id }], pagination: { hasMore: true } });
    const page2 = await parent('GET', `/api/v1/sub-accounts?limit=1&cursor=${page1.body.pagination.cursor}`);
    expect(page2.body.data.map((s: { id: string }) => s.id)).toContain(id);
    const renamed = await parent('PATCH', `/api/v1/sub-accounts/${id}`, { name: 'Acme (renamed)' });
    expect(renamed.body).toMatchObject({ name: 'Acme (renamed)', version: 2 });
    for (const [method, path] of [['GET', ''], ['PATCH', ''], ['DELETE', ''], ['POST', '/sessions'], ['GET', '/sessions'], ['DELETE', '/sessions']]) {
      const body = method === 'PATCH' ? { name: 'x' } : method === 'POST' ? { returnURL: 'https://app.example.com' } : undefined;
      expect((await stranger(method!, `/api/v1/sub-accounts/${id}${path}`, body)).status, `${method} ${path}`).toBe(404);
    }
    expect((await parent('DELETE', `/api/v1/sub-accounts/${id}`)).status).toBe(204);
    expect((await parent('GET', `/api/v1/sub-accounts/${id}`)).body).toMatchObject({ status: 'deactivated' });
    expect((await create(parent, 'cust_crud')).status).toBe(201); // its subID is free again
    const audit = await eventually(async () => {
      const r = await parent('GET', '/api/v1/audit-logs?limit=100');
      const actions = (r.body.data ?? []).filter((l: { resourceId: string }) => l.resourceId === id).map((l: { action: string }) => l.action);
      return actions.length >= 3 && actions;
    });
    expect(audit).toEqual(expect.arrayContaining(['sub_account.created', 'sub_account.updated', 'sub_account.deactivated']));
  });

  it('mints a portal URL on the public address whose token works once, and only before it expires', async () => {
    const sub = (await create(parent, 'cust_tokens')).body;
    const minted = await parent('POST', `/api/v1/sub-accounts/${sub.id}/sessions`, { returnURL: 'https://app.example.com/integrations', ttlSeconds: 600 });
    expect(minted.status).toBe(201);
    expect(minted.body.url.startsWith(`${env.config.publicUrl}/portal/exchange?token=`)).toBe(true);
    const token = new URL(minted.body.url).searchParams.get('token')!;
    expect(await portalFrameAncestors(db, subAccounts(), token)).toEqual(['https://app.example.com']);
    expect((await parent('POST', `/api/v1/sub-accounts/${sub.id}/sessions`, { returnURL: 'https://evil.example/' })).status).toBe(400);

    const listed = await parent('GET', `/api/v1/sub-accounts/${sub.id}/sessions`);
    expect(listed.body.data).toEqual([expect.objectContaining({ id: minted.body.sessionId, state: 'pending', ttlSeconds: 600 })]);
    expect(JSON.stringify(listed.body)).not.toContain(token);

    const first = await anon()('POST', '/sub-account-api/auth/exchange', { token });
    expect(first.status).toBe(200);
    expect((await anon()('POST', '/sub-account-api/auth/exchange', { token }))).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED' } });
    expect(await portalFrameAncestors(db, subAccounts(), token)).toBeNull();
    expect(await portalFrameAncestors(db, subAccounts(), first.body.sessionToken)).toEqual(['https://app.example.com']);

    const info = await portal(first.body.sessionToken)('GET', '/session');
    expect(info.body).toMatchObject({ subAccount: { id: sub.id, name: 'Customer cust_tokens', subID: 'cust_tokens' }, returnURL: 'https://app.example.com/integrations', allowedOrigins: ['https://app.example.com'] });
    // Sliding: each use moves the expiry ttlSeconds past now.
    await age(minted.body.sessionId, `expires_at = now() + interval '5 seconds'`);
    const slid = await portal(first.body.sessionToken)('GET', '/session');
    expect(Date.parse(slid.body.expiresAt) - Date.now()).toBeGreaterThan(590_000);
    await age(minted.body.sessionId, `expires_at = now() - interval '1 second'`);
    expect((await portal(first.body.sessionToken)('GET', '/session')).status).toBe(401);

    const late = await parent('POST', `/api/v1/sub-accounts/${sub.id}/sessions`, { returnURL: 'https://app.example.com/' });
    await age(late.body.sessionId, `exchange_expires_at = now() - interval '1 second'`);
    expect((await anon()('POST', '/sub-account-api/auth/exchange', { token: new URL(late.body.url).searchParams.get('token') })).status).toBe(401);
    expect((await anon()('GET', '/sub-account-api/session')).status).toBe(401);
  });

  it('revokes one session or all of them', async () => {
    const sub = (await create(parent, 'cust_revoke')).body;
    const a = await openPortal(sub.id);
    const b = await openPortal(sub.id);
    expect((await parent('GET', `/api/v1/sub-accounts/${sub.id}/sessions`)).body.data).toHaveLength(2);
    expect((await parent('DELETE', `/api/v1/sub-accounts/${sub.id}/sessions/${a.minted.sessionId}`)).body).toEqual({ revoked: 1 });
    expect((await a.call('GET', '/session')).status).toBe(401);
    expect((await b.call('GET', '/session')).status).toBe(200);
    expect((await parent('DELETE', `/api/v1/sub-accounts/${sub.id}/sessions/${a.minted.sessionId}`)).status).toBe(404);
    expect((await parent('DELETE', `/api/v1/sub-accounts/${sub.id}/sessions`)).body).toEqual({ revoked: 1 });
    expect((await b.call('GET', '/session')).status).toBe(401);
    expect((await parent('GET', `/api/v1/sub-accounts/${sub.id}/sessions`)).body.data).toEqual([]);
    // The audit log has each session issued and each revocation, with the key that did it.
    const lines = await eventually(async () => {
      const r = await parent('GET', '/api/v1/audit-logs?limit=100');
      const mine = (r.body.data ?? []).filter((l: { action: string; after?: { subAccountId?: string } }) => l.action.startsWith('portal_session.') && l.after?.subAccountId === sub.id);
      return mine.length >= 4 && mine;
    });
    expect(lines.map((l: { action: string }) => l.action).sort()).toEqual(['portal_session.issued', 'portal_session.issued', 'portal_session.revoked', 'portal_session.revoked']);
    expect(lines[0].actor).toMatchObject({ type: 'api_key' });
  });

  it('keeps a portal theme through create, read, change and clear, answers it to the portal session, and refuses a bad one with 400', async () => {
    const portalTheme = { primaryColor: '#0a7f5a', accentColor: '#ff0066', logoUrl: 'https://cdn.example.com/acme.svg', mode: 'dark', fontFamily: 'Inter, sans-serif' };
    const made = await create(parent, 'cust_theme', { portalTheme });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.portalTheme).toEqual(portalTheme);
    expect((await parent('GET', `/api/v1/sub-accounts/${made.body.id}`)).body.portalTheme).toEqual(portalTheme);
    const { call } = await openPortal(made.body.id);
    expect((await call('GET', '/session')).body.portalTheme).toEqual(portalTheme);
    // An object replaces the theme whole; the session sees the change at once.
    const changed = await parent('PATCH', `/api/v1/sub-accounts/${made.body.id}`, { portalTheme: { primaryColor: '#123456', logoUrl: '/ui/assets/logo.svg' } });
    expect(changed.body).toMatchObject({ version: 2, portalTheme: { primaryColor: '#123456', logoUrl: '/ui/assets/logo.svg', accentColor: null, mode: null, fontFamily: null } });
    expect((await call('GET', '/session')).body.portalTheme).toMatchObject({ primaryColor: '#123456' });
    expect((await parent('PATCH', `/api/v1/sub-accounts/${made.body.id}`, { name: 'Renamed' })).body.portalTheme).toMatchObject({ primaryColor: '#123456' });
    for (const bad of [{ primaryColor: 'red' }, { accentColor: '#fff;color:red' }, { logoUrl: 'javascript:alert(1)' }, { logoUrl: 'http://cdn.example.com/a.png' },
      { logoUrl: '//evil.example/a.png' }, { mode: 'auto' }, { fontFamily: 'x;}body{display:none' }, { css: 'x' }, 'dark', []]) {
      const r = await parent('PATCH', `/api/v1/sub-accounts/${made.body.id}`, { portalTheme: bad });
      expect(r, JSON.stringify(bad)).toMatchObject({ status: 400, body: { code: expect.stringMatching(/VALIDATION_ERROR|BAD_REQUEST/) } });
    }
    expect((await parent('PATCH', `/api/v1/sub-accounts/${made.body.id}`, { portalTheme: null })).body).toMatchObject({ portalTheme: null });
    expect((await call('GET', '/session')).body.portalTheme).toBeNull();
    // Another workspace cannot read or set it.
    expect((await stranger('PATCH', `/api/v1/sub-accounts/${made.body.id}`, { portalTheme })).status).toBe(404);
    expect((await create(parent, 'cust_plain')).body.portalTheme).toBeNull();
  });

  it('fans an event out to its sub-account\'s endpoints only, and one without subAccountId to the workspace\'s own only', async () => {
    const a = (await create(parent, 'cust_fan_a')).body;
    const b = (await create(parent, 'cust_fan_b')).body;
    const pa = await openPortal(a.id);
    const pb = await openPortal(b.id);
    const mine = await parent('POST', '/api/v1/endpoints', { url: `${sinkUrl}/parent`, eventTypes: ['order.created'] });
    expect(mine.body.subAccountId).toBeNull();
    const epA = await pa.call('POST', '/endpoints', { url: `${sinkUrl}/a`, eventTypes: ['order.created'] });
    expect(epA).toMatchObject({ status: 201, body: { subAccountId: a.id, signingSecretSource: 'endpoint' } });
    // A portal's endpoint is signed by a secret of its own: the workspace's global one is never shown to a customer.
    expect(epA.body.signingSecret).not.toBe((await parent('GET', `/api/v1/endpoints/${mine.body.id}/secret`)).body.signingSecret);
    const epB = await parent('POST', '/api/v1/endpoints', { url: `${sinkUrl}/b`, eventTypes: ['order.*'], subAccountId: b.id });
    expect(epB.body.subAccountId).toBe(b.id);

    const forA = await parent('POST', '/api/v1/events', { eventType: 'order.created', payload: { to: 'a' }, subAccountId: a.id }, key());
    const forMe = await parent('POST', '/api/v1/events', { eventType: 'order.created', payload: { to: 'me' } }, key());
    expect([forA.status, forMe.status]).toEqual([201, 201]);
    await sink.waitFor((r) => r.filter((x) => JSON.parse(x.body).to).length >= 2);
    // A little longer for any wrong delivery to show.
    await new Promise((r) => setTimeout(r, 1_500));
    const got = sink.received.filter((x) => JSON.parse(x.body).to).map((x) => `${x.url}:${JSON.parse(x.body).to}`).sort();
    expect(got).toEqual(['/a:a', '/parent:me']);

    // Each portal sees its own endpoints and events only; another's ids (and the workspace's own) are 404.
    expect((await pa.call('GET', '/endpoints')).body.data.map((e: { id: string }) => e.id)).toEqual([epA.body.id]);
    expect((await pa.call('GET', `/endpoints/${epB.body.id}`)).status).toBe(404);
    expect((await pa.call('GET', `/endpoints/${mine.body.id}`)).status).toBe(404);
    expect((await pb.call('GET', `/endpoints/${epA.body.id}`)).status).toBe(404);
    await eventually(async () => (await pa.call('GET', '/events')).body.data.length === 1);
    // The workspace sees every event and endpoint, each naming its sub-account, and can narrow to one.
    expect((await parent('GET', `/api/v1/events?subAccountId=${a.id}`)).body.data.map((e: { id: string; subAccountId: string }) => [e.id, e.subAccountId])).toEqual([[forA.body.id, a.id]]);
    expect((await parent('GET', `/api/v1/events/${forMe.body.id}`)).body.subAccountId).toBeNull();
    expect((await parent('GET', `/api/v1/endpoints?subAccountId=${b.id}`)).body.data.map((e: { id: string }) => e.id)).toEqual([epB.body.id]);
    expect((await pa.call('GET', '/events')).body.data.map((e: { id: string }) => e.id)).toEqual([forA.body.id]);
    expect((await pb.call('GET', '/events')).body.data).toEqual([]);
    for (const path of [`/events/${forA.body.id}`, `/events/${forA.body.id}/deliveries`]) expect((await pb.call('GET', path)).status, path).toBe(404);
    expect((await pa.call('GET', `/events/${forMe.body.id}`)).status).toBe(404);
    expect((await pa.call('POST', `/events/${forMe.body.id}/retry`)).status).toBe(404);
    const deliveries = await eventually(async () => {
      const r = await pa.call('GET', `/events/${forA.body.id}/deliveries`);
      return r.body.data?.length > 0 && r.body.data;
    });
    expect(deliveries[0]).toMatchObject({ endpointId: epA.body.id, outcome: 'success' });
    expect((await pa.call('GET', `/events/${forA.body.id}`)).body).toMatchObject({ id: forA.body.id, status: 'delivered' });
    // Another workspace cannot name this workspace's sub-account.
    expect((await stranger('POST', '/api/v1/events', { eventType: 'order.created', payload: {}, subAccountId: a.id }, key())).status).toBe(404);
    expect((await stranger('POST', '/api/v1/endpoints', { url: `${sinkUrl}/x`, eventTypes: ['*'], subAccountId: a.id })).status).toBe(404);
  });

  it('retries a sub-account\'s failed event through the portal', async () => {
    const sub = (await create(parent, 'cust_retry')).body;
    const p = await openPortal(sub.id);
    let fail = true;
    sink.responder = (r) => (r.url === '/retry' && fail ? { status: 500, body: 'down' } : { status: 200, body: 'OK' });
    await p.call('POST', '/endpoints', { url: `${sinkUrl}/retry`, eventTypes: ['invoice.paid'], maxRetries: 1 });
    const sent = await parent('POST', '/api/v1/events', { eventType: 'invoice.paid', payload: { n: 1 }, subAccountId: sub.id, maxAttempts: 1 }, key());
    await eventually(async () => ['failed', 'dead'].includes((await p.call('GET', `/events/${sent.body.id}`)).body.status));
    fail = false;
    expect((await p.call('POST', `/events/${sent.body.id}/retry`))).toMatchObject({ status: 200, body: { status: 'queued' } });
    await eventually(async () => (await p.call('GET', `/events/${sent.body.id}`)).body.status === 'delivered');
    sink.responder = () => ({ status: 200, body: 'OK' });
  });

  it('refuses events, endpoints and sessions for a deactivated sub-account; its history stays readable', async () => {
    const sub = (await create(parent, 'cust_gone')).body;
    const p = await openPortal(sub.id);
    const before = await parent('POST', '/api/v1/events', { destination: `${sinkUrl}/gone`, payload: { n: 1 }, subAccountId: sub.id }, key());
    expect(before.status).toBe(201);
    expect((await parent('DELETE', `/api/v1/sub-accounts/${sub.id}`)).status).toBe(204);
    const refused = await parent('POST', '/api/v1/events', { eventType: 'order.created', payload: {}, subAccountId: sub.id }, key());
    expect(refused).toMatchObject({ status: 409, body: { code: 'INVALID_STATE', subAccountId: sub.id } });
    expect(refused.body.error).toMatch(/deactivated/);
    const batch = await parent('POST', '/api/v1/events/batch', { events: [{ destination: `${sinkUrl}/gone`, payload: {}, idempotencyKey: `b${++n}`, subAccountId: sub.id }] });
    expect(batch).toMatchObject({ status: 409, body: { code: 'INVALID_STATE' } });
    expect((await parent('POST', '/api/v1/endpoints', { url: `${sinkUrl}/x`, eventTypes: ['*'], subAccountId: sub.id })).status).toBe(409);
    expect((await parent('POST', `/api/v1/sub-accounts/${sub.id}/sessions`, { returnURL: 'https://app.example.com' })).status).toBe(409);
    expect((await p.call('GET', '/session')).status).toBe(401); // its sessions were revoked
    expect((await eventually(async () => { const r = await parent('GET', `/api/v1/events/${before.body.id}`); return r.status === 200 && r; })).body.id).toBe(before.body.id);
  });
});
