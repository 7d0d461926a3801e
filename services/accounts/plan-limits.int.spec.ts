import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, isolatedConfig, signup, startTestMittr } from '../../test/support/mittr.ts';

/** The plan's seats and projects on the real stack: the free plan has one of each, which the workspace's owner and default project take. */
describe('plan limits on the team and projects', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  beforeAll(async () => { env = await startTestMittr(isolatedConfig({ MITTR_SIGNUP_PLAN: 'free' })); });
  afterAll(async () => { await env?.stop(); });

  it('refuses a second seat and a second project with 402 QUOTA_EXCEEDED, taking nothing', async () => {
    const admin = api(env.url, (await signup(env.url)).apiKey);
    expect(await admin('POST', '/api/v1/team/invite', { email: 'bea@example.test', role: 'viewer' })).toMatchObject({ status: 402, body: { code: 'QUOTA_EXCEEDED' } });
    expect((await admin('GET', '/api/v1/team')).body.invitations).toEqual([]);
    expect(await admin('POST', '/api/v1/projects', { name: 'Staging' })).toMatchObject({ status: 402, body: { code: 'QUOTA_EXCEEDED' } });
    expect((await admin('GET', '/api/v1/projects')).body.data).toHaveLength(1);
  });
});
