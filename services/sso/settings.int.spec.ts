import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, eventually, startTestMittr } from '../../test/support/mittr.ts';

/** The SSO settings API, discovery by e-mail domain and enforced SSO on the real stack. */
describe('SSO settings, discovery and enforcement', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  const tag = randomBytes(4).toString('hex');
  const domain = `acme-${tag}.test`;
  const password = 'correct horse battery';
  let acme: { apiKey: string; id: string; email: string };
  let other: { apiKey: string; id: string };
  const settings = (over: Record<string, unknown> = {}) => ({
    slug: 'okta', idpEntityId: 'https://idp.acme.test', idpSsoUrl: 'https://idp.acme.test/sso', idpCertificates: ['MIIBfake'], allowedDomains: [domain], ...over,
  });
  const signup = async (email: string) => (await api(env.url)('POST', '/auth/signup', { email, password, companyName: 'Acme' })).body;
  const login = (email: string) => api(env.url)('POST', '/auth/login', { email, password });

  beforeAll(async () => {
    env = await startTestMittr();
    acme = { ...(await signup(`admin@${domain}`)), email: `admin@${domain}` };
    other = await signup(`someone@other-${tag}.test`);
  });
  afterAll(async () => { await env?.stop(); });

  it('has no settings at first: 404 {error, code}; discovery answers the deployment\'s methods (password and SAML only: no social client configured)', async () => {
    expect(await api(env.url, acme.apiKey)('GET', '/api/v1/sso/saml')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    const d = await api(env.url)('GET', `/auth/sso/discover?email=${encodeURIComponent(`ann@${domain}`)}`);
    expect(d).toMatchObject({ status: 200, body: { domain, method: 'default', enforced: false, workspace: null, methods: [{ id: 'password' }, { id: 'saml' }] } });
    expect(await api(env.url)('GET', '/auth/sso/google/login')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
  });

  it('configures SAML: the settings read back with the SP\'s URLs; discovery then points the domain at the workspace\'s SAML login', async () => {
    const put = await api(env.url, acme.apiKey)('PUT', '/api/v1/sso/saml', settings({ allowedDomains: [domain.toUpperCase()] }));
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ version: 1, allowedDomains: [domain], enforced: false, provisioning: true, defaultRole: 'viewer', sp: { acsUrl: expect.stringContaining(`/auth/sso/saml/${acme.id}/okta/acs`) as string } });
    expect((await api(env.url, acme.apiKey)('GET', '/api/v1/sso/saml')).body).toEqual(put.body);
    const d = await api(env.url)('GET', `/auth/sso/discover?email=${encodeURIComponent(`Ann@${domain.toUpperCase()}`)}`);
    expect(d.body).toMatchObject({ method: 'saml', enforced: false, loginUrl: `/auth/sso/saml/${acme.id}/okta/login`, workspace: { id: acme.id, name: 'Acme' } });
  });

  it('refuses a domain another workspace claims (409), bad settings (400), and another workspace sees none of it', async () => {
    expect(await api(env.url, other.apiKey)('PUT', '/api/v1/sso/saml', settings())).toMatchObject({ status: 409, body: { code: 'CONFLICT', domains: [domain] } });
    expect(await api(env.url, other.apiKey)('GET', '/api/v1/sso/saml')).toMatchObject({ status: 404 });
    for (const bad of [settings({ idpCertificates: [] }), settings({ enforced: true, allowedDomains: [] }), settings({ idpSsoUrl: 'http://idp.acme.test/sso' }), settings({ slug: 'Not A Slug' }),
      { slug: 'okta', allowedDomains: [domain] }, { slug: 'okta', allowedDomains: [domain], idpMetadata: '<not xml' }]) {
      const res = await api(env.url, acme.apiKey)('PUT', '/api/v1/sso/saml', bad);
      expect(res, JSON.stringify(bad)).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
    }
  });

  it('enforced: a member of the IdP\'s domains is refused password login (403 SSO_REQUIRED, naming the SSO login); others are not', async () => {
    const put = await api(env.url, acme.apiKey)('PUT', '/api/v1/sso/saml', settings({ enforced: true }));
    expect(put.body).toMatchObject({ version: 2, enforced: true });
    const refused = await login(acme.email);
    expect(refused).toMatchObject({ status: 403, body: { code: 'SSO_REQUIRED', loginUrl: `/auth/sso/saml/${acme.id}/okta/login` } });
    expect((await login(`someone@other-${tag}.test`)).status).toBe(200);
    const d = await api(env.url)('GET', `/auth/sso/discover?email=${encodeURIComponent(`ann@${domain}`)}`);
    expect(d.body).toMatchObject({ method: 'saml', enforced: true, methods: [{ id: 'saml', loginUrl: `/auth/sso/saml/${acme.id}/okta/login` }] });
    // A wrong password is still a plain 401: enforcement tells nothing before the password is right.
    expect(await api(env.url)('POST', '/auth/login', { email: acme.email, password: 'wrong password!' })).toMatchObject({ status: 401 });
  });

  it('a key with sso:read only cannot change the settings (403 INSUFFICIENT_SCOPE); removing them frees the domain and password login works again', async () => {
    const key = await api(env.url, acme.apiKey)('POST', '/api/v1/api-keys', { name: 'read only', scopes: ['sso:read'] });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    expect(await api(env.url, key.body.key)('DELETE', '/api/v1/sso/saml')).toMatchObject({ status: 403, body: { code: 'INSUFFICIENT_SCOPE' } });
    expect((await api(env.url, key.body.key)('GET', '/api/v1/sso/saml')).status).toBe(200);
    expect((await api(env.url, acme.apiKey)('DELETE', '/api/v1/sso/saml')).status).toBe(204);
    expect(await api(env.url, acme.apiKey)('DELETE', '/api/v1/sso/saml')).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    expect((await login(acme.email)).status).toBe(200);
    expect(await api(env.url, acme.apiKey)('GET', '/api/v1/sso/saml')).toMatchObject({ status: 404 });
    expect((await api(env.url, other.apiKey)('PUT', '/api/v1/sso/saml', settings())).status).toBe(200);
    // Every change is in the workspace's audit log, with who made it.
    const audit = await eventually(async () => {
      const res = await api(env.url, acme.apiKey)('GET', '/api/v1/audit-logs?resource=sso');
      return res.body.data?.length === 3 && res.body.data;
    });
    expect(audit.map((l: { action: string }) => l.action)).toEqual(['sso.removed', 'sso.configured', 'sso.configured']);
    expect(audit[1]).toMatchObject({ after: { enforced: true, allowedDomains: [domain], idpCertificates: 1 }, actor: { type: 'api_key' } });
  });
});
