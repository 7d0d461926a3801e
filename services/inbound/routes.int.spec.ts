import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, signup, startTestMittr } from '../../test/support/mittr.ts';

describe('inbound endpoints: receiver URLs for providers, each verified by its preset', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  let call: ReturnType<typeof api>;
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const unique = (s: string) => `${s}-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    env = await startTestMittr();
    call = api(env.url, (await signup(env.url)).apiKey);
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('lists every preset with its mode and the sourceConfig fields it needs', async () => {
    const res = await call('GET', '/api/v1/inbound-presets');
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(res.body.data.length);
    const stripe = res.body.data.find((p: { source: string }) => p.source === 'stripe');
    expect(stripe).toMatchObject({ name: expect.any(String), mode: expect.any(String), fields: expect.arrayContaining([expect.objectContaining({ name: 'secret', required: true, secret: true })]) });
    for (const source of ['github', 'standard-webhooks']) expect(res.body.data.map((p: { source: string }) => p.source)).toContain(source);
  });

  it('creates with every field, answers the receiver URL, masks the secret, reads and lists it', async () => {
    const ep = (await call('POST', '/api/v1/endpoints', { url: 'https://example.com/hook', eventTypes: ['push'] })).body;
    const pathSuffix = unique('github-prod');
    const created = await call('POST', '/api/v1/inbound-endpoints', {
      name: 'GitHub Webhooks', pathSuffix, source: 'github', sourceConfig: { secret }, destinationIds: [ep.id],
      eventTypeMapping: '$.headers.X-GitHub-Event', description: 'Production GitHub webhook receiver',
      transformation: 'function transform(w) { return w; }',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'GitHub Webhooks', pathSuffix, url: `${env.config.publicUrl}/inbound/${pathSuffix}`, source: 'github',
      sourceConfig: { secret: `****${secret.slice(-4)}` }, destinationIds: [ep.id], eventTypeMapping: '$.headers.X-GitHub-Event',
      description: 'Production GitHub webhook receiver', transformation: 'function transform(w) { return w; }', status: 'active', version: 1,
    });
    expect(JSON.stringify(created.body)).not.toContain(secret);
    const got = await call('GET', `/api/v1/inbound-endpoints/${created.body.id}`);
    expect(got).toMatchObject({ status: 200, body: created.body });
    // The list reads the projection, which follows the write shortly after.
    const listed = await eventually(async () => (await call('GET', '/api/v1/inbound-endpoints?limit=1')).body.data[0]?.id === created.body.id);
    expect(listed).toBe(true);
    expect((await call('GET', '/api/v1/inbound-endpoints?limit=1')).body.data[0]).toEqual(created.body);
  });

  it('generates a URL-safe suffix when none is given, and pages the list with a cursor', async () => {
    const a = (await call('POST', '/api/v1/inbound-endpoints', { name: 'a', source: 'stripe', sourceConfig: { secret } })).body;
    expect(a.pathSuffix).toMatch(/^[A-Za-z0-9][A-Za-z0-9._~-]*$/);
    const b = (await call('POST', '/api/v1/inbound-endpoints', { name: 'b', source: 'stripe', sourceConfig: { secret } })).body;
    const first = await eventually(async () => {
      const page = await call('GET', '/api/v1/inbound-endpoints?limit=1');
      return page.body.data[0]?.id === b.id ? page : null;
    });
    expect(first.body.data[0].id).toBe(b.id);
    expect(first.body.pagination.hasMore).toBe(true);
    const second = await call('GET', `/api/v1/inbound-endpoints?limit=1&cursor=${first.body.pagination.cursor}`);
    expect(second.body.data[0].id).toBe(a.id);
    expect((await call('GET', '/api/v1/inbound-endpoints?cursor=nope')).status).toBe(400);
  });

  it('refuses an unknown source, a missing required field, a bad suffix or mapping, and another project\'s endpoint', async () => {
    const post = (body: object) => call('POST', '/api/v1/inbound-endpoints', { name: 'x', source: 'stripe', sourceConfig: { secret }, ...body });
    expect(await post({ source: 'no-such-provider' })).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
    const missing = await post({ sourceConfig: {} });
    expect(missing).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
    expect(missing.body.error).toMatch(/sourceConfig\.secret is required/);
    expect((await post({ pathSuffix: 'has/slash' })).status).toBe(400);
    expect((await post({ pathSuffix: 'has space' })).status).toBe(400);
    expect((await post({ eventTypeMapping: '$.data[' })).status).toBe(400);
    expect((await post({ status: 'paused' })).status).toBe(400);
    expect((await post({ destinationIds: ['6c2d3e4f-5a6b-4c7d-9e8f-0a1b2c3d4e5f'] })).status).toBe(404);
    const other = api(env.url, (await signup(env.url)).apiKey);
    const theirs = (await other('POST', '/api/v1/endpoints', { url: 'https://example.com/theirs', eventTypes: ['x'] })).body;
    expect((await post({ destinationIds: [theirs.id] })).status).toBe(404);
  });

  it('keeps a path suffix unique across the deployment (409), and frees it on delete', async () => {
    const pathSuffix = unique('taken');
    const mine = (await call('POST', '/api/v1/inbound-endpoints', { name: 'm', pathSuffix, source: 'stripe', sourceConfig: { secret } })).body;
    expect((await call('POST', '/api/v1/inbound-endpoints', { name: 'again', pathSuffix, source: 'stripe', sourceConfig: { secret } })).status).toBe(409);
    const other = api(env.url, (await signup(env.url)).apiKey);
    const theirs = await other('POST', '/api/v1/inbound-endpoints', { name: 't', pathSuffix, source: 'stripe', sourceConfig: { secret } });
    expect(theirs).toMatchObject({ status: 409, body: { code: 'CONFLICT', pathSuffix } });
    const elsewhere = (await other('POST', '/api/v1/inbound-endpoints', { name: 't', source: 'stripe', sourceConfig: { secret } })).body;
    expect((await other('PATCH', `/api/v1/inbound-endpoints/${elsewhere.id}`, { pathSuffix })).status).toBe(409);
    expect((await call('DELETE', `/api/v1/inbound-endpoints/${mine.id}`)).status).toBe(204);
    expect((await call('GET', `/api/v1/inbound-endpoints/${mine.id}`)).status).toBe(404);
    expect(await other('PATCH', `/api/v1/inbound-endpoints/${elsewhere.id}`, { pathSuffix })).toMatchObject({ status: 200, body: { pathSuffix, version: 2 } });
  });

  it('changes a field at a time (a new version), keeps the secret unless given, and closes ids to other tenants', async () => {
    const created = (await call('POST', '/api/v1/inbound-endpoints', { name: 'p', source: 'stripe', sourceConfig: { secret } })).body;
    const patched = await call('PATCH', `/api/v1/inbound-endpoints/${created.id}`, { description: 'Updated', status: 'inactive' });
    expect(patched).toMatchObject({ status: 200, body: { description: 'Updated', status: 'inactive', version: 2, sourceConfig: created.sourceConfig } });
    const rotated = `whsec_${randomBytes(24).toString('base64')}`;
    const again = await call('PATCH', `/api/v1/inbound-endpoints/${created.id}`, { sourceConfig: { secret: rotated } });
    expect(again.body.sourceConfig.secret).toBe(`****${rotated.slice(-4)}`);
    expect((await call('PATCH', `/api/v1/inbound-endpoints/${created.id}`, { sourceConfig: { secret: null } })).status).toBe(400);
    const other = api(env.url, (await signup(env.url)).apiKey);
    for (const [method, body] of [['GET'], ['PATCH', { name: 'mine' }], ['DELETE']] as const) {
      expect((await other(method, `/api/v1/inbound-endpoints/${created.id}`, body)).status).toBe(404);
    }
    expect((await other('GET', `/api/v1/inbound-endpoints/${created.id}/requests`)).status).toBe(404);
    expect((await call('GET', '/api/v1/inbound-endpoints/not-a-uuid')).status).toBe(404);
  });

  it('asks API keys for the inbound scopes', async () => {
    const key = (await call('POST', '/api/v1/api-keys', { name: 'ro', scopes: ['inbound:read'] })).body.key;
    const readOnly = api(env.url, key);
    expect((await readOnly('GET', '/api/v1/inbound-endpoints')).status).toBe(200);
    expect(await readOnly('POST', '/api/v1/inbound-endpoints', { name: 'x', source: 'stripe', sourceConfig: { secret } }))
      .toMatchObject({ status: 403, body: { code: 'INSUFFICIENT_SCOPE', requiredScope: 'inbound:write' } });
  });
});
