import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type GitHubUser = { id: number; login: string; emails: Array<{ email: string; primary: boolean; verified: boolean }> };

const body = async (req: IncomingMessage) => { let s = ''; for await (const c of req) s += String(c); return s; };
const json = (res: ServerResponse, status: number, value: unknown) => { res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value)); };

/**
 * A GitHub-shaped OAuth app server and user API on loopback, as GitHub documents them: the
 * authorize page (it signs in `current` at once), the token exchange (client secret, one-use
 * code, PKCE S256 checked), GET /user and GET /user/emails with their verified flags.
 */
export async function startGitHub(client: { clientId: string; clientSecret: string }) {
  const codes = new Map<string, { user: GitHubUser; challenge: string | null; redirectUri: string }>();
  const tokens = new Map<string, GitHubUser>();
  const state: { current?: GitHubUser } = {};
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url!, 'http://github.test');
      if (req.method === 'GET' && url.pathname === '/login/oauth/authorize') {
        if (url.searchParams.get('client_id') !== client.clientId || !state.current) return json(res, 400, { error: 'bad client or no user' });
        const code = randomBytes(10).toString('hex');
        const redirectUri = url.searchParams.get('redirect_uri')!;
        codes.set(code, { user: state.current, challenge: url.searchParams.get('code_challenge'), redirectUri });
        const back = new URL(redirectUri);
        back.searchParams.set('code', code);
        back.searchParams.set('state', url.searchParams.get('state') ?? '');
        return res.writeHead(302, { location: back.href }).end();
      }
      if (req.method === 'POST' && url.pathname === '/login/oauth/access_token') {
        const form = new URLSearchParams(await body(req));
        const grant = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        if (form.get('client_id') !== client.clientId || form.get('client_secret') !== client.clientSecret) return json(res, 401, { error: 'incorrect_client_credentials' });
        const verifier = form.get('code_verifier') ?? '';
        if (!grant || grant.redirectUri !== form.get('redirect_uri') || grant.challenge !== createHash('sha256').update(verifier).digest('base64url')) {
          return json(res, 400, { error: 'bad_verification_code' });
        }
        const token = `gho_${randomBytes(16).toString('hex')}`;
        tokens.set(token, grant.user);
        return json(res, 200, { access_token: token, token_type: 'bearer', scope: 'read:user,user:email' });
      }
      const user = tokens.get(req.headers.authorization?.replace(/^Bearer /i, '') ?? '');
      if (!user) return json(res, 401, { message: 'Bad credentials' });
      if (url.pathname === '/user') return json(res, 200, { id: user.id, login: user.login, email: null });
      if (url.pathname === '/user/emails') return json(res, 200, user.emails.map((e) => ({ ...e, visibility: e.primary ? 'private' : null })));
      return json(res, 404, { message: 'Not Found' });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    /** Who the authorize page signs in next. */
    signInAs(user: GitHubUser) { state.current = user; },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
