import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, isolatedConfig, signup, startTestMittr } from '../../test/support/mittr.ts';

/** Signups are throttled per client address, before a password is hashed. */
describe('POST /auth/signup throttle', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;

  beforeAll(async () => { env = await startTestMittr(isolatedConfig({ MITTR_SIGNUPS_PER_ADDRESS_PER_HOUR: '2' })); });
  afterAll(async () => { await env?.stop(); });

  it('lets two signups an hour through from one address and answers the third 429 with Retry-After, making nothing', async () => {
    await signup(env.url);
    await signup(env.url);
    const email = 'third@example.test';
    const third = await api(env.url)('POST', '/auth/signup', { email, password: 'correct horse battery', companyName: 'Acme' });
    expect(third).toMatchObject({ status: 429, body: { code: 'RATE_LIMITED' } });
    const retryAfter = Number(third.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(3_500);
    expect(retryAfter).toBeLessThanOrEqual(3_600);
    // Nothing was made for it: that e-mail cannot log in.
    expect((await api(env.url)('POST', '/auth/login', { email, password: 'correct horse battery' })).status).toBe(401);
  });
});
