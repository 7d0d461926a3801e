import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, isolatedConfig, startTestMittr } from '../../test/support/mittr.ts';
import { Browser } from '../../test/support/browser.ts';
import { startGitHub, type GitHubUser } from '../../test/support/github-api.ts';
import { startOidcIdp } from '../../test/support/oidc-idp.ts';

/**
 * Google (OpenID Connect) and GitHub (OAuth 2) sign-ins against real servers on loopback: an
 * oidc-provider standing in for Google, a GitHub-shaped OAuth app server and user API. The
 * browser leg is plain HTTP with a cookie jar, redirects followed by hand.
 */
describe('Google and GitHub single sign-on', () => {
  const google = { clientId: 'mittr-google', clientSecret: randomBytes(16).toString('hex') };
  const github = { clientId: 'mittr-github', clientSecret: randomBytes(16).toString('hex') };
  let oidc: Awaited<ReturnType<typeof startOidcIdp>>;
  let gh: Awaited<ReturnType<typeof startGitHub>>;
  let env: Awaited<ReturnType<typeof startTestMittr>>;
  const tag = randomBytes(4).toString('hex');
  const email = (who: string) => `${who}-${tag}@gmail.test`;

  beforeAll(async () => {
    [oidc, gh] = await Promise.all([startOidcIdp(google), startGitHub(github)]);
    env = await startTestMittr(isolatedConfig({
      MITTR_SSO_GOOGLE_ISSUER: oidc.issuer, MITTR_SSO_GOOGLE_CLIENT_ID: google.clientId, MITTR_SSO_GOOGLE_CLIENT_SECRET: google.clientSecret,
      MITTR_SSO_GITHUB_URL: gh.url, MITTR_SSO_GITHUB_API_URL: gh.url, MITTR_SSO_GITHUB_CLIENT_ID: github.clientId, MITTR_SSO_GITHUB_CLIENT_SECRET: github.clientSecret,
    }));
    env.config.publicUrl = env.url;
    oidc.register(`${env.url}/auth/sso/google/callback`);
    oidc.addUser('ann', { email: email('ann'), verified: true });
    oidc.addUser('bob', { email: email('bob'), verified: false });
  });
  afterAll(async () => { await env?.stop(); await oidc?.stop(); await gh?.stop(); });

  const callback = (u: URL) => u.pathname.endsWith('/callback');
  const session = (b: Browser) => api(env.url)('GET', '/auth/session', undefined, { cookie: `mittr_session=${b.cookie(env.url, 'mittr_session')}` });
  /** The login redirect to Google's authorization URL (not followed), with its state cookie kept. */
  async function startGoogle(b: Browser): Promise<URL> {
    const res = await b.request(`${env.url}/auth/sso/google/login`);
    expect(res.status).toBe(302);
    return new URL(res.headers.get('location')!);
  }
  const finish = async (b: Browser, url: string) => (await b.request(url)).headers.get('location');

  it('offers the configured providers', async () => {
    const res = await api(env.url)('GET', '/auth/providers');
    expect(res).toMatchObject({ status: 200, body: { methods: [{ id: 'password' }, { id: 'google', loginUrl: '/auth/sso/google/login' }, { id: 'github', loginUrl: '/auth/sso/github/login' }, { id: 'saml' }] } });
  });

  it('Google: a verified e-mail signs in with state, PKCE and nonce; a new e-mail opens a workspace as a signup does', async () => {
    const b = new Browser();
    const auth = await startGoogle(b);
    expect(auth.origin).toBe(oidc.issuer);
    expect(auth.searchParams.get('code_challenge_method')).toBe('S256');
    for (const p of ['state', 'nonce', 'code_challenge']) expect(auth.searchParams.get(p), p).toBeTruthy();
    const back = await oidc.signIn(b, auth.href, 'ann');
    expect(await finish(b, back)).toBe(`${env.url}/`);
    const s = await session(b);
    expect(s).toMatchObject({ status: 200, body: { user: { email: email('ann') }, role: 'admin' } });
    // The password login's session: the cookie reads the API like any other.
    const key = await api(env.url)('GET', '/api/v1/events', undefined, { cookie: `mittr_session=${b.cookie(env.url, 'mittr_session')}` });
    expect(key.status).toBe(200);
    // Signing in again finds the same user and workspace.
    const again = new Browser();
    expect(await finish(again, await oidc.signIn(again, (await startGoogle(again)).href, 'ann'))).toBe(`${env.url}/`);
    expect((await session(again)).body).toMatchObject({ user: { id: s.body.user.id }, workspace: { id: s.body.workspace.id } });
  });

  it('Google: a callback whose state is not the login\'s is sent back to the login page', async () => {
    const b = new Browser();
    const auth = await startGoogle(b);
    auth.searchParams.set('state', 'forged-state-value');
    const back = await oidc.signIn(b, auth.href, 'ann');
    expect(await finish(b, back)).toBe(`${env.url}/login?error=invalid_state`);
    expect(b.cookie(env.url, 'mittr_session')).toBeUndefined();
    // A callback with no login behind it at all (no state cookie).
    expect(await finish(new Browser(), `${env.url}/auth/sso/google/callback?code=x&state=y`)).toBe(`${env.url}/login?error=invalid_state`);
  });

  it('Google: an ID token whose nonce is not the login\'s is refused', async () => {
    const b = new Browser();
    const auth = await startGoogle(b);
    auth.searchParams.set('nonce', 'a-nonce-of-another-login');
    const back = await oidc.signIn(b, auth.href, 'ann');
    expect(await finish(b, back)).toBe(`${env.url}/login?error=invalid_nonce`);
    expect(b.cookie(env.url, 'mittr_session')).toBeUndefined();
  });

  it('Google: an unverified e-mail is refused', async () => {
    const b = new Browser();
    const back = await oidc.signIn(b, (await startGoogle(b)).href, 'bob');
    expect(await finish(b, back)).toBe(`${env.url}/login?error=email_not_verified`);
    expect(b.cookie(env.url, 'mittr_session')).toBeUndefined();
  });

  const ghUser = (login: string, verified: boolean): GitHubUser => ({
    id: Math.floor(Math.random() * 1e9), login, emails: [{ email: email(login), primary: true, verified }, { email: `${login}@users.noreply.github.test`, primary: false, verified: true }],
  });

  it('GitHub: the primary verified e-mail signs in; the same e-mail as a Google user is the same user', async () => {
    gh.signInAs({ ...ghUser('ann', true) });
    const b = new Browser();
    const { url } = await b.follow(`${env.url}/auth/sso/github/login`, callback);
    expect(new URL(url).searchParams.get('code')).toBeTruthy();
    expect(await finish(b, url)).toBe(`${env.url}/`);
    expect((await session(b)).body).toMatchObject({ user: { email: email('ann') }, role: 'admin' });
  });

  it('GitHub: a primary e-mail that is not verified is refused, and so is a forged state', async () => {
    gh.signInAs(ghUser('carl', false));
    const b = new Browser();
    const { url } = await b.follow(`${env.url}/auth/sso/github/login`, callback);
    expect(await finish(b, url)).toBe(`${env.url}/login?error=email_not_verified`);
    gh.signInAs(ghUser('dora', true));
    const forged = new URL((await b.follow(`${env.url}/auth/sso/github/login`, callback)).url);
    forged.searchParams.set('state', 'forged');
    expect(await finish(b, forged.href)).toBe(`${env.url}/login?error=invalid_state`);
    expect(b.cookie(env.url, 'mittr_session')).toBeUndefined();
  });

  it('Google: a password user is linked by the verified e-mail; an e-mail of a domain a workspace claims joins it with its default role; when it enforces SSO, it is sent to SSO', async () => {
    const owner = (await api(env.url)('POST', '/auth/signup', { email: `owner-${tag}@corp-${tag}.test`, password: 'correct horse battery', companyName: 'Corp' })).body;
    const saml = { slug: 'corp', idpEntityId: 'https://idp.corp.test', idpSsoUrl: 'https://idp.corp.test/sso', idpCertificates: ['MIIB'], allowedDomains: [`corp-${tag}.test`], defaultRole: 'editor' };
    expect((await api(env.url, owner.apiKey)('PUT', '/api/v1/sso/saml', saml)).status).toBe(200);
    oidc.addUser('erin', { email: `erin@corp-${tag}.test`, verified: true });
    const b = new Browser();
    expect(await finish(b, await oidc.signIn(b, (await startGoogle(b)).href, 'erin'))).toBe(`${env.url}/`);
    expect((await session(b)).body).toMatchObject({ user: { email: `erin@corp-${tag}.test` }, workspace: { id: owner.id }, role: 'editor' });
    // The owner signed up with a password: Google's verified e-mail links to that same user.
    oidc.addUser('owner', { email: `owner-${tag}@corp-${tag}.test`, verified: true });
    const linked = new Browser();
    expect(await finish(linked, await oidc.signIn(linked, (await startGoogle(linked)).href, 'owner'))).toBe(`${env.url}/`);
    const password = await api(env.url)('POST', '/auth/login', { email: `owner-${tag}@corp-${tag}.test`, password: 'correct horse battery' });
    expect((await session(linked)).body).toMatchObject({ user: { id: password.body.user.id }, workspace: { id: owner.id }, role: 'admin' });
    expect((await api(env.url, owner.apiKey)('PUT', '/api/v1/sso/saml', { ...saml, enforced: true })).status).toBe(200);
    const refused = new Browser();
    expect(await finish(refused, await oidc.signIn(refused, (await startGoogle(refused)).href, 'erin'))).toBe(`${env.url}/login?error=sso_enforced`);
    expect(refused.cookie(env.url, 'mittr_session')).toBeUndefined();
  });

  it('answers 400 {error, code} for a provider it does not know', async () => {
    expect(await api(env.url)('GET', '/auth/sso/facebook/login')).toMatchObject({ status: 400, body: { code: 'VALIDATION_ERROR' } });
  });
});
