import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, signup, startTestMittr } from '../../test/support/mittr.ts';

type Line = { action: string; resourceId: string; actor: { type: string; id: string | null; address: string | null } | null; before: any; after: any }; // eslint-disable-line @typescript-eslint/no-explicit-any -- configurations as JSON

/** The audit log on the real stack: every change with who made it, from where, and what it changed. */
describe('GET /api/v1/audit-logs', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;

  beforeAll(async () => { env = await startTestMittr(); });
  afterAll(async () => { await env?.stop(); });

  it('records each change with its actor and client address, and the configuration before and after', async () => {
    const owner = await signup(env.url);
    const admin = api(env.url, owner.apiKey);
    const key = (await admin('POST', '/api/v1/api-keys', { name: 'ci', scopes: ['endpoints:write', 'endpoints:read'] })).body as { id: string; key: string };
    const ci = api(env.url, key.key);
    const ep = (await ci('POST', '/api/v1/endpoints', { url: 'http://127.0.0.1:9/a', eventTypes: ['a'], customHeaders: { Authorization: 'Bearer s3cret' } })).body as { id: string };
    expect((await ci('PATCH', `/api/v1/endpoints/${ep.id}`, { url: 'http://127.0.0.1:9/b' })).status).toBe(200);
    const login = await api(env.url)('POST', '/auth/login', { email: (await admin('GET', '/api/v1/me')).body.email, password: 'correct horse battery' });
    const cookie = /mittr_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')![1];
    expect((await api(env.url)('POST', `/api/v1/endpoints/${ep.id}/pause`, undefined, { cookie: `mittr_session=${cookie}`, 'x-csrf-token': login.body.csrfToken })).status).toBe(200);

    // The audit log is a read model like the others: it shows a change once its projector has passed it.
    const log = await eventually(async () => {
      const res = await admin('GET', '/api/v1/audit-logs?resource=endpoint');
      return res.status === 200 && res.body.data.length === 3 ? res : undefined;
    });
    const lines = log.body.data as Line[];
    expect(lines.map((l) => l.action)).toEqual(['endpoint.paused', 'endpoint.updated', 'endpoint.created']);
    const [paused, updated, created] = lines;
    expect(created!.actor).toEqual({ type: 'api_key', id: key.id, address: '127.0.0.1' });
    expect(created!.after).toMatchObject({ url: 'http://127.0.0.1:9/a', customHeaders: { Authorization: '[redacted]' } });
    expect(JSON.stringify(log.body)).not.toContain('s3cret');
    expect(updated!.before).toMatchObject({ url: 'http://127.0.0.1:9/a' });
    expect(updated!.after).toMatchObject({ url: 'http://127.0.0.1:9/b' });
    expect(paused!.actor).toMatchObject({ type: 'user', id: login.body.user.id });

    const keys = await admin('GET', `/api/v1/audit-logs?actor=${key.id}`);
    expect((keys.body.data as Line[]).map((l) => l.action)).toEqual(['endpoint.updated', 'endpoint.created']);
    await eventually(async () => (await admin('GET', '/api/v1/audit-logs?limit=50')).body.data.some((l: Line) => l.action === 'account.created'));
    const first = await admin('GET', '/api/v1/audit-logs?limit=2');
    expect(first.body.pagination.hasMore).toBe(true);
    const next = await admin('GET', `/api/v1/audit-logs?limit=50&cursor=${first.body.pagination.cursor}`);
    expect((next.body.data as Line[]).map((l) => l.action)).toContain('api_key.created');
    expect((next.body.data as Line[]).map((l) => l.action)).toContain('account.created');
    await eventually(async () => (await admin('GET', '/api/v1/audit-logs?limit=50')).body.data.some((l: Line) => l.action === 'account.created'));
    // Another workspace sees none of it; a bad cursor is a 400.
    const other = api(env.url, (await signup(env.url)).apiKey);
    expect(((await other('GET', '/api/v1/audit-logs?resource=endpoint')).body.data as Line[])).toEqual([]);
    expect(await admin('GET', '/api/v1/audit-logs?cursor=nope')).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
  });

  it('records the changes of an inbound endpoint, with the names of its sourceConfig fields, never their values', async () => {
    const admin = api(env.url, (await signup(env.url)).apiKey);
    const ib = (await admin('POST', '/api/v1/inbound-endpoints', { name: 'Stripe', source: 'stripe', sourceConfig: { secret: 'whsec_audit_never_shown_123' } })).body as { id: string };
    expect((await admin('PATCH', `/api/v1/inbound-endpoints/${ib.id}`, { status: 'inactive' })).status).toBe(200);
    expect((await admin('DELETE', `/api/v1/inbound-endpoints/${ib.id}`)).status).toBe(204);
    const lines = (await eventually(async () => {
      const res = await admin('GET', '/api/v1/audit-logs?resource=inbound_endpoint');
      return res.body.data?.length === 3 ? res : undefined;
    })).body.data as Line[];
    expect(lines.map((l) => [l.action, l.resourceId])).toEqual([['inbound_endpoint.deleted', ib.id], ['inbound_endpoint.updated', ib.id], ['inbound_endpoint.created', ib.id]]);
    expect(lines[1]!.before).toMatchObject({ status: 'active', sourceConfig: ['secret'] });
    expect(lines[1]!.after).toMatchObject({ status: 'inactive' });
    expect(JSON.stringify(lines)).not.toContain('whsec_audit');
    expect(JSON.stringify(lines)).not.toContain('v1.');
  });

  it("records an operator's edit and replay of an event, with who did it, and not the payload", async () => {
    const owner = await signup(env.url);
    const admin = api(env.url, owner.apiKey);
    // Port 9 on loopback refuses: one attempt, then dead.
    const sent = await admin('POST', '/api/v1/events', { destination: 'http://127.0.0.1:9/x', payload: { card: 'pan-4111-secret' }, maxAttempts: 1 }, { 'x-idempotency-key': 'audit-1' });
    expect(sent.status).toBe(201);
    await eventually(async () => (await admin('GET', `/api/v1/events/${sent.body.id}`)).body.status === 'dead');
    expect((await admin('PATCH', `/api/v1/events/${sent.body.id}`, { payload: { card: '[fixed]' } })).status).toBe(200);
    expect((await admin('POST', `/api/v1/events/${sent.body.id}/replay`)).status).toBe(200);
    const lines = (await eventually(async () => {
      const res = await admin('GET', '/api/v1/audit-logs?resource=event');
      return res.body.data?.length === 2 ? res : undefined;
    })).body.data as Line[];
    expect(lines.map((l) => [l.action, l.resourceId])).toEqual([['event.replayed', sent.body.id], ['event.edited', sent.body.id]]);
    expect(lines[0]!.actor).toEqual({ type: 'api_key', id: expect.any(String), address: '127.0.0.1' });
    expect(lines[1]!.after).toEqual({ destination: null, payloadChanged: true, headers: null });
    expect(JSON.stringify(lines)).not.toContain('pan-4111');
    // A send is not a line: the events list is its record.
    expect(((await admin('GET', '/api/v1/audit-logs?limit=200')).body.data as Line[]).filter((l) => l.resourceId === sent.body.id)).toHaveLength(2);
  });
});
