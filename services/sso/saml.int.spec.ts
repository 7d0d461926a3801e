import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMittr } from '../mittr.ts';
import { api, startTestMittr } from '../../test/support/mittr.ts';
import { Browser } from '../../test/support/browser.ts';
import { samlIdp, type Mint } from '../../test/support/saml-idp.ts';

/**
 * SAML 2.0 sign-in against a real IdP library (samlify) minting the responses, driven by plain
 * HTTP: mittr's login redirect carries an AuthnRequest that samlify parses, the response is posted
 * to the ACS as a browser would, and only a good one ends in the session cookie.
 */
describe('SAML single sign-on', () => {
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  let admin: { apiKey: string; id: string };
  const domain = `d${randomBytes(4).toString('hex')}.test`;
  const idp = samlIdp('https://idp.example.test/metadata', 'http://127.0.0.1:9/idp/sso');
  let base: string;
  let metadata: string;

  const settings = (over: Record<string, unknown> = {}) => ({
    slug: 'okta', idpMetadata: idp.metadata, allowedDomains: [domain], enforced: false, provisioning: true, ...over,
  });
  /** One browser's sign-in: login redirect → AuthnRequest id → a minted response → the ACS's answer. */
  async function signIn(mint: Partial<Mint> & { email?: string }, opts: Parameters<typeof idp.respond>[3] = {}, tamper?: (xml: string) => string) {
    const browser = new Browser();
    const toIdp = await browser.follow(`${env.url}${base}/login`, (u) => u.href.startsWith(idp.ssoUrl));
    const requestId = await idp.requestId(metadata, new URL(toIdp.url));
    let response = await idp.respond(metadata, requestId, { email: `ann@${domain}`, ...mint }, opts);
    if (tamper) response = Buffer.from(tamper(Buffer.from(response, 'base64').toString('utf8'))).toString('base64');
    const post = (r: string) => browser.request(`${env.url}${base}/acs`, { form: { SAMLResponse: r } });
    const res = await post(response);
    return { browser, res, response, location: res.headers.get('location') ?? '', cookie: browser.cookie(env.url, 'mittr_session'), again: () => post(response) };
  }
  const session = (cookie: string) => api(env.url)('GET', '/auth/session', undefined, { cookie: `mittr_session=${cookie}` });

  beforeAll(async () => {
    env = await startTestMittr();
    env.config.publicUrl = env.url;
    const res = await api(env.url)('POST', '/auth/signup', { email: `admin@${randomBytes(4).toString('hex')}.test`, password: 'correct horse battery', companyName: 'Acme' });
    admin = res.body;
    // Configured from the IdP's own metadata (samlify's), as an admin pastes it.
    const put = await api(env.url, admin.apiKey)('PUT', '/api/v1/sso/saml', settings());
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ idpEntityId: idp.entityId, idpSsoUrl: idp.ssoUrl, idpCertificates: [expect.stringMatching(/^MII/) as string] });
    base = `/auth/sso/saml/${admin.id}/okta`;
    const md = await fetch(`${env.url}${base}/metadata`);
    expect(md.headers.get('content-type')).toContain('application/samlmetadata+xml');
    metadata = await md.text();
  });
  afterAll(async () => { await env?.stop(); });

  it('serves the SP metadata: entity id, the ACS (HTTP-POST), assertions wanted signed', () => {
    expect(metadata).toContain(`entityID="${env.url}${base}/metadata"`);
    expect(metadata).toMatch(new RegExp(`AssertionConsumerService[^>]+HTTP-POST[^>]+Location="${env.url}${base}/acs"`));
    expect(metadata).toContain('WantAssertionsSigned="true"');
  });

  it('signs in with a good signed response: the password login\'s session cookie, a provisioned viewer of the workspace', async () => {
    const out = await signIn({});
    expect(out.res.status).toBe(302);
    expect(out.location).toBe(`${env.url}/`);
    const s = await session(out.cookie!);
    expect(s).toMatchObject({ status: 200, body: { user: { email: `ann@${domain}` }, workspace: { id: admin.id }, role: 'viewer' } });
    const again = await signIn({});
    expect((await session(again.cookie!)).body.user.id).toBe(s.body.user.id);
  });

  it('refuses a tampered response (the e-mail changed after signing)', async () => {
    const out = await signIn({}, {}, (xml) => xml.replaceAll(`ann@${domain}`, `boss@${domain}`));
    expect(out.location).toBe(`${env.url}/login?error=invalid_signature`);
    expect(out.cookie).toBeUndefined();
  });

  it('refuses an unsigned response, an unsigned assertion in a signed response, and one signed by another key', async () => {
    for (const opts of [{ unsigned: true }, { signAssertion: false }, { by: 'impostor' as const }]) {
      const out = await signIn({}, opts);
      expect(out.location, JSON.stringify(opts)).toBe(`${env.url}/login?error=invalid_signature`);
      expect(out.cookie).toBeUndefined();
    }
  });

  it('refuses an expired assertion, one not yet valid, one for another audience and one for another recipient', async () => {
    const hour = 3_600_000;
    const cases: Array<[Partial<Mint>, string]> = [
      [{ notBefore: new Date(Date.now() - 3 * hour), notOnOrAfter: new Date(Date.now() - 2 * hour) }, 'assertion_expired'],
      [{ notBefore: new Date(Date.now() + hour), notOnOrAfter: new Date(Date.now() + 2 * hour) }, 'assertion_expired'],
      [{ audience: 'https://another-sp.example.test/metadata' }, 'wrong_audience'],
      [{ recipient: 'https://another-sp.example.test/acs' }, 'wrong_recipient'],
    ];
    for (const [mint, error] of cases) {
      const out = await signIn(mint);
      expect(out.location, JSON.stringify(mint)).toBe(`${env.url}/login?error=${error}`);
      expect(out.cookie).toBeUndefined();
    }
  });

  it('refuses a replayed response, and a replayed assertion inside a new response', async () => {
    const first = await signIn({});
    expect(first.location).toBe(`${env.url}/`);
    const replay = await first.again();
    expect(replay.headers.get('location')).toMatch(/\/login\?error=(unknown_request|assertion_replayed)$/);
    const assertionId = `_${randomBytes(8).toString('hex')}`;
    expect((await signIn({ assertionId })).location).toBe(`${env.url}/`);
    expect((await signIn({ assertionId })).location).toBe(`${env.url}/login?error=assertion_replayed`);
  });

  it('refuses a response replayed to another API process: the request ids and assertion ids are shared in Postgres', async () => {
    // A second API process of the same deployment (behind the same public URL, as behind a load balancer).
    const second = await startMittr({ ...env.config, port: 0 }, ['api']);
    try {
      const first = await signIn({});
      expect(first.location).toBe(`${env.url}/`);
      const replay = await new Browser().request(`${second.url!}${base}/acs`, { form: { SAMLResponse: first.response } });
      expect(replay.headers.get('location')).toMatch(/\/login\?error=(unknown_request|assertion_replayed)$/);
      // The other way round: a login begun on one process is answered on the other.
      const browser = new Browser();
      const toIdp = await browser.follow(`${second.url!}${base}/login`, (u) => u.href.startsWith(idp.ssoUrl));
      const response = await idp.respond(metadata, await idp.requestId(metadata, new URL(toIdp.url)), { email: `ann@${domain}` });
      expect((await browser.request(`${env.url}${base}/acs`, { form: { SAMLResponse: response } })).headers.get('location')).toBe(`${env.url}/`);
    } finally {
      await second.stop();
    }
  });

  it('refuses a response for an InResponseTo it never issued, and an e-mail outside the allowed domains', async () => {
    expect((await signIn({ inResponseTo: `_${randomBytes(8).toString('hex')}` })).location).toBe(`${env.url}/login?error=unknown_request`);
    expect((await signIn({ email: 'eve@elsewhere.test' })).location).toBe(`${env.url}/login?error=domain_not_allowed`);
  });

  it('answers 404 {error, code} for another workspace\'s id or slug, and 400 for a body that is no response', async () => {
    for (const path of [`/auth/sso/saml/${admin.id}/other/login`, '/auth/sso/saml/00000000-0000-4000-8000-000000000000/okta/metadata', '/auth/sso/saml/nope/okta/login']) {
      const res = await api(env.url)('GET', path);
      expect(res, path).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    }
    const bad = await new Browser().request(`${env.url}${base}/acs`, { form: { SAMLResponse: 'not base64 xml' } });
    expect(bad.status).toBe(302);
    expect(bad.headers.get('location')).toMatch(/\/login\?error=[a-z_]+$/);
    const none = await api(env.url)('POST', `${base}/acs`, 'x=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(none).toMatchObject({ status: 400, body: { code: expect.any(String) as string } });
  });
});
