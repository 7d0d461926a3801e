import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, signup, startTestMittr } from '../../test/support/mittr.ts';
import { startMittr, type Mittr } from '../mittr.ts';
import { SCOPES } from '../platform/domain/scopes.ts';

type Doc = { paths: Record<string, Record<string, { 'x-mittr-scope'?: string }>> };

/** API keys with scopes, on the real stack: issued once, listed without the key, enforced on every route, revoked. */
describe('API keys', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  /** A second API process on the same log and database. */
  let second: Mittr | undefined;
  let admin: ReturnType<typeof api>;
  let base: string;

  const issue = async (body: Record<string, unknown>) => {
    const res = await admin('POST', '/api/v1/api-keys', body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; key: string; keyPrefix: string; scopes: string[] };
  };

  beforeAll(async () => {
    env = await startTestMittr();
    base = env.url;
    admin = api(base, (await signup(base)).apiKey);
  });
  afterAll(async () => {
    await second?.stop();
    await env?.stop();
  });

  it('issues a key with scopes once, and lists keys without the key itself', async () => {
    const k = await issue({ name: 'CI', scopes: ['events:write', 'endpoints:read'], rateLimit: 1000, expiresAt: '2030-01-01T00:00:00Z' });
    expect(k).toMatchObject({ name: 'CI', scopes: ['endpoints:read', 'events:write'], rateLimit: 1000, expiresAt: '2030-01-01T00:00:00.000Z', isActive: true });
    expect(k.key.startsWith(k.keyPrefix)).toBe(true);
    const list = await admin('GET', '/api/v1/api-keys');
    expect(list.status).toBe(200);
    const rows = list.body.data as Array<Record<string, unknown>>;
    expect(rows.map((r) => r.name)).toEqual(['CI', 'default']);
    expect(rows.find((r) => r.name === 'default')).toMatchObject({ scopes: ['*'], isActive: true });
    expect(JSON.stringify(list.body)).not.toContain(k.key);
    expect(rows.every((r) => !('key' in r))).toBe(true);
    expect(await admin('POST', '/api/v1/api-keys', { name: 'x', scopes: ['events:delete'] })).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
  });

  it('lets a key do what its scopes say and refuses the rest with 403 INSUFFICIENT_SCOPE naming the scope', async () => {
    const k = api(base, (await issue({ name: 'sender', scopes: ['events:write', 'endpoints:read'] })).key);
    expect((await k('POST', '/api/v1/events', { destination: 'http://127.0.0.1:9/x', payload: {} }, { 'x-idempotency-key': randomUUID() })).status).toBe(201);
    expect((await k('GET', '/api/v1/endpoints')).status).toBe(200);
    expect(await k('POST', '/api/v1/endpoints', { url: 'http://127.0.0.1:9/', eventTypes: ['a'] }))
      .toMatchObject({ status: 403, body: { code: 'INSUFFICIENT_SCOPE', requiredScope: 'endpoints:write' } });
    // Writing does not include reading.
    expect(await k('GET', '/api/v1/events')).toMatchObject({ status: 403, body: { code: 'INSUFFICIENT_SCOPE', requiredScope: 'events:read' } });
    expect((await k('GET', '/api/v1/api-keys')).status).toBe(403);
  });

  it('enforces the scope every operation of the OpenAPI document declares: refused with every other scope, allowed with it', async () => {
    const doc = (await api(base)('GET', '/openapi.json')).body as Doc;
    const ops = Object.entries(doc.paths).flatMap(([path, byMethod]) => Object.entries(byMethod).map(([method, op]) => ({ path, method: method.toUpperCase(), scope: op['x-mittr-scope'] })))
      .filter((o): o is { path: string; method: string; scope: string } => o.scope !== undefined);
    expect(ops.length).toBeGreaterThan(35);
    const keys = new Map<string, { without: ReturnType<typeof api>; only: ReturnType<typeof api> }>();
    for (const scope of new Set(ops.map((o) => o.scope))) {
      expect(SCOPES).toContain(scope);
      const others = SCOPES.filter((s) => s !== '*' && s !== scope);
      keys.set(scope, {
        without: api(base, (await issue({ name: `without ${scope}`, scopes: others })).key),
        only: api(base, (await issue({ name: `only ${scope}`, scopes: [scope] })).key),
      });
    }
    for (const op of ops) {
      const path = op.path.replace(/\{n\}/g, '1').replace(/\{(\w+)\}/g, () => randomUUID());
      const body = op.method === 'GET' ? undefined : {};
      const { without, only } = keys.get(op.scope)!;
      const refused = await without(op.method, path, body);
      expect(refused, `${op.method} ${op.path} without ${op.scope}`).toMatchObject({ status: 403, body: { code: 'INSUFFICIENT_SCOPE', requiredScope: op.scope } });
      const allowed = await only(op.method, path.includes('/poll') ? `${path}?endpoint_id=${randomUUID()}` : path, body);
      expect(allowed.status, `${op.method} ${op.path} with ${op.scope}: ${JSON.stringify(allowed.body)}`).not.toBe(403);
    }
  });

  it('stops a revoked key on every API process within a second', async () => {
    second = await startMittr(env.config, ['api']);
    const other = second.url!;
    const k = await issue({ name: 'to revoke', scopes: ['events:read'] });
    // The second process knows the new key once it folds it.
    const deadline = Date.now() + 10_000;
    while ((await api(other, k.key)('GET', '/api/v1/events')).status !== 200) {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect((await admin('DELETE', `/api/v1/api-keys/${k.id}`)).status).toBe(204);
    const revokedAt = Date.now();
    expect(await api(base, k.key)('GET', '/api/v1/events')).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED' } });
    let refusedAfter = Infinity;
    while (Date.now() - revokedAt < 1_000) {
      if ((await api(other, k.key)('GET', '/api/v1/events')).status === 401) { refusedAfter = Date.now() - revokedAt; break; }
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(refusedAfter).toBeLessThan(1_000);
    const listed = (await admin('GET', '/api/v1/api-keys?limit=100')).body.data as Array<{ id: string; isActive: boolean; revokedAt: string | null }>;
    expect(listed.find((r) => r.id === k.id)).toMatchObject({ isActive: false, revokedAt: expect.any(String) as string });
  });

  it('refuses an expired key, and never revokes the last working key or another account\'s', async () => {
    const k = await issue({ name: 'short', expiresAt: new Date(Date.now() + 1_500).toISOString() });
    expect((await api(base, k.key)('GET', '/api/v1/events')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_700));
    expect(await api(base, k.key)('GET', '/api/v1/events')).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED', error: 'the API key has expired' } });

    const lone = api(base, (await signup(base)).apiKey);
    const [own] = (await lone('GET', '/api/v1/api-keys')).body.data as Array<{ id: string }>;
    expect(await lone('DELETE', `/api/v1/api-keys/${own!.id}`)).toMatchObject({ status: 409, body: { code: 'INVALID_STATE' } });
    expect(await admin('DELETE', `/api/v1/api-keys/${own!.id}`)).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect(await admin('DELETE', `/api/v1/api-keys/${randomUUID()}`)).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
  });
});
