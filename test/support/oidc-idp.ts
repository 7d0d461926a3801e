import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration } from 'oidc-provider';
import type { Browser } from './browser.ts';

export type OidcUser = { email: string; verified: boolean };

/**
 * A real OpenID Connect provider (oidc-provider) on a loopback port, standing in for Google: one
 * confidential client, PKCE required, the e-mail and its verified flag in the ID token. Users
 * sign in through its development login form (any password), driven by `signIn`.
 */
export async function startOidcIdp(client: { clientId: string; clientSecret: string }) {
  const users = new Map<string, OidcUser>();
  let handle: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server: Server = createServer((req, res) => (handle ? handle(req, res) : res.writeHead(503).end()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let redirectUri = '';
  /** The provider, once the client's redirect URI is known (mittr listens on a port of its own choosing). */
  const register = (uri: string) => {
    redirectUri = uri;
    const provider = new Provider(issuer, config(uri));
    handle = provider.callback();
  };
  const config = (uri: string): Configuration => ({
    clients: [{
      client_id: client.clientId, client_secret: client.clientSecret, redirect_uris: [uri],
      grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_post',
    }],
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    // The e-mail claims in the ID token itself, as Google puts them.
    conformIdTokenClaims: false,
    cookies: { keys: ['oidc-test-cookie-key'] },
    findAccount: async (_ctx, sub) => {
      const u = users.get(sub);
      return u && { accountId: sub, claims: async () => ({ sub, email: u.email, email_verified: u.verified }) };
    },
  });
  return {
    issuer,
    register,
    /** A user the provider knows, by login name. */
    addUser(login: string, user: OidcUser) { users.set(login, user); },
    /**
     * Signs `login` in on the provider's pages from its authorization URL (login form, then
     * consent) and answers the redirect back to the client, not followed.
     */
    async signIn(browser: Browser, authorizationUrl: string, login: string): Promise<string> {
      let at = authorizationUrl;
      for (const prompt of ['login', 'consent']) {
        const page = await browser.follow(at, (u) => u.href.startsWith(redirectUri));
        if (!page.res) return page.url;
        const action = /action="([^"]+)"/.exec(await page.res.text())?.[1];
        if (!action) throw new Error(`no ${prompt} form at ${page.url}`);
        const done = await browser.follow(new URL(action.replace(/&amp;/g, '&'), page.url).href, (u) => u.href.startsWith(redirectUri),
          { form: prompt === 'login' ? { prompt, login, password: 'any' } : { prompt } });
        if (!done.res) return done.url;
        at = done.url;
      }
      throw new Error('the provider did not redirect back');
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
