import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, signup, startTestMittr } from '../../test/support/mittr.ts';

/** Projects on the real stack: X-Project-ID scopes every resource, another workspace's project is not found. */
describe('projects', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  let admin: ReturnType<typeof api>;
  let other: ReturnType<typeof api>;
  let defaultProject: string;

  beforeAll(async () => {
    env = await startTestMittr();
    const a = await signup(env.url);
    defaultProject = a.projectId;
    admin = api(env.url, a.apiKey);
    other = api(env.url, (await signup(env.url)).apiKey);
  });
  afterAll(async () => { await env?.stop(); });

  it('lists the default project, opens others, and scopes resources to the one X-Project-ID names', async () => {
    expect((await admin('GET', '/api/v1/projects')).body.data).toEqual([expect.objectContaining({ id: defaultProject, name: 'Default', isDefault: true })]);
    const staging = await admin('POST', '/api/v1/projects', { name: 'Staging', environment: 'staging' });
    expect(staging).toMatchObject({ status: 201, body: { name: 'Staging', environment: 'staging', isDefault: false } });
    const inStaging = { 'x-project-id': staging.body.id as string };
    const ep = await admin('POST', '/api/v1/endpoints', { url: 'http://127.0.0.1:9/s', eventTypes: ['a'] }, inStaging);
    expect(ep.status).toBe(201);
    await eventually(async () => (await admin('GET', '/api/v1/endpoints', undefined, inStaging)).body.data.length === 1);
    expect((await admin('GET', '/api/v1/endpoints')).body.data).toEqual([]);
    expect((await admin('GET', `/api/v1/endpoints/${ep.body.id}`)).status).toBe(404);
    expect(await admin('PATCH', `/api/v1/projects/${staging.body.id}`, { name: 'QA' })).toMatchObject({ status: 200, body: { name: 'QA', environment: 'staging' } });
    // Another workspace cannot name it.
    expect(await other('GET', '/api/v1/endpoints', undefined, inStaging)).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect((await other('PATCH', `/api/v1/projects/${staging.body.id}`, { name: 'x' })).status).toBe(404);
    expect((await admin('GET', '/api/v1/events', undefined, { 'x-project-id': randomUUID() })).status).toBe(404);
  });

  it('binds a key to one project; deletes a project (not the default), after which nothing reaches it', async () => {
    const prod = (await admin('POST', '/api/v1/projects', { name: 'Prod' })).body as { id: string };
    const bound = api(env.url, (await admin('POST', '/api/v1/api-keys', { name: 'prod only', projectId: prod.id })).body.key);
    expect((await bound('GET', '/api/v1/endpoints')).status).toBe(200);
    expect((await bound('GET', '/api/v1/endpoints', undefined, { 'x-project-id': defaultProject })).status).toBe(404);
    expect(await admin('POST', '/api/v1/api-keys', { name: 'x', projectId: randomUUID() })).toMatchObject({ status: 404 });
    expect(await admin('DELETE', `/api/v1/projects/${defaultProject}`)).toMatchObject({ status: 409, body: { code: 'INVALID_STATE' } });
    expect((await admin('DELETE', `/api/v1/projects/${prod.id}`)).status).toBe(204);
    expect((await bound('GET', '/api/v1/endpoints')).status).toBe(404);
    expect((await admin('GET', '/api/v1/events', undefined, { 'x-project-id': prod.id })).status).toBe(404);
    expect((await admin('GET', '/api/v1/projects')).body.data.map((p: { id: string }) => p.id)).not.toContain(prod.id);
  });
});
