import * as oidc from 'openid-client';
import type { OAuthClientConfig, SsoConfig } from '../platform/config/config.ts';
import { DomainError } from '../platform/domain/errors.ts';
import { SsoRefused, type Identity } from './domain/login.ts';

export type SocialProvider = 'google' | 'github';
export const SOCIAL_PROVIDERS: readonly SocialProvider[] = ['google', 'github'];

/** What the browser carries (sealed, in a cookie) from the login redirect to the callback. */
export type Pending = { provider: SocialProvider; state: string; verifier: string; nonce: string | null; expiresAt: number };
/** How long a login may take at the provider. */
export const PENDING_TTL_MS = 10 * 60_000;

/** An OAuth failure the login page is sent back with (`/login?error=`). */
export class OAuthFailed extends DomainError {
  readonly reason: string;
  constructor(reason: string, message: string) {
    super('UNAUTHORIZED', message, { reason });
    this.reason = reason;
  }
}

const loopbackHttp = (url: string) => new URL(url).protocol === 'http:';

/**
 * Google (OpenID Connect, discovered from its issuer) and GitHub (OAuth 2 without OIDC: its
 * authorize and token endpoints, then its user API) through openid-client: authorization code
 * with PKCE (S256) and state, a nonce in Google's ID token; only a verified e-mail signs in.
 */
export function socialProviders(config: SsoConfig, redirectUri: (p: SocialProvider) => string) {
  let google: Promise<oidc.Configuration> | undefined;

  function client(p: SocialProvider): Promise<oidc.Configuration> {
    const c = configured(p);
    // Loopback http only (the configuration refuses it elsewhere): a test's or a gateway's local IdP.
    const insecure = loopbackHttp(c.url) ? { execute: [oidc.allowInsecureRequests] } : undefined;
    if (p === 'google') {
      google ??= oidc.discovery(new URL(c.url), c.clientId, undefined, oidc.ClientSecretPost(c.clientSecret), insecure)
        .catch((err: unknown) => { google = undefined; throw new OAuthFailed('provider_unavailable', `the identity provider cannot be reached: ${(err as Error).message}`); });
      return google;
    }
    const server = { issuer: c.url, authorization_endpoint: `${c.url}/login/oauth/authorize`, token_endpoint: `${c.url}/login/oauth/access_token` };
    const gh = new oidc.Configuration(server, c.clientId, undefined, oidc.ClientSecretPost(c.clientSecret));
    if (insecure || loopbackHttp(config.github!.apiUrl)) oidc.allowInsecureRequests(gh);
    return Promise.resolve(gh);
  }

  function configured(p: SocialProvider): OAuthClientConfig {
    const c = config[p];
    if (!c) throw new DomainError('NOT_FOUND', `${p} sign-in is not offered by this deployment`);
    return c;
  }

  /** The provider's authorization URL and what the callback must find again. */
  async function begin(p: SocialProvider, now: number): Promise<{ url: string; pending: Pending }> {
    const cfg = await client(p);
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = p === 'google' ? oidc.randomNonce() : null;
    const url = oidc.buildAuthorizationUrl(cfg, {
      redirect_uri: redirectUri(p), scope: p === 'google' ? 'openid email profile' : 'read:user user:email',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state, ...(nonce ? { nonce } : {}),
    });
    return { url: url.href, pending: { provider: p, state, verifier, nonce, expiresAt: now + PENDING_TTL_MS } };
  }

  /** The identity the callback proves: the code is exchanged with the PKCE verifier; state and nonce must be the login's. */
  async function finish(p: SocialProvider, pending: Pending | undefined, callbackUrl: URL, now: number): Promise<Identity> {
    const error = callbackUrl.searchParams.get('error');
    if (error) throw new OAuthFailed('access_denied', `the identity provider answered ${error.slice(0, 64)}`);
    if (!pending || pending.provider !== p || pending.expiresAt <= now || callbackUrl.searchParams.get('state') !== pending.state) {
      throw new OAuthFailed('invalid_state', 'the sign-in did not start here, or took too long: start again');
    }
    const cfg = await client(p);
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(cfg, callbackUrl, {
        pkceCodeVerifier: pending.verifier, expectedState: pending.state, ...(pending.nonce ? { expectedNonce: pending.nonce, idTokenExpected: true } : {}),
      });
    } catch (err) {
      const claim = claimOf(err);
      throw new OAuthFailed(claim === 'nonce' ? 'invalid_nonce' : 'provider_error', `the identity provider's answer was refused: ${(err as Error).message}`);
    }
    return p === 'google' ? googleIdentity(tokens) : githubIdentity(cfg, tokens.access_token, config.github!.apiUrl);
  }

  return { begin, finish, configured: (p: SocialProvider) => config[p] !== undefined };
}

/** The JWT claim a refusal names: openid-client wraps oauth4webapi's error, whose cause names it. */
function claimOf(err: unknown): string | undefined {
  let at = err as { cause?: unknown; claim?: unknown } | undefined;
  for (let depth = 0; at && depth < 4; depth++, at = at.cause as typeof at) if (typeof at.claim === 'string') return at.claim;
  return undefined;
}

function googleIdentity(tokens: oidc.TokenEndpointResponseHelpers): Identity {
  const claims = tokens.claims();
  if (typeof claims?.email !== 'string') throw new SsoRefused('email_not_verified', 'the identity provider gave no e-mail');
  return { email: claims.email, emailVerified: claims.email_verified === true };
}

type GitHubEmail = { email: string; primary: boolean; verified: boolean };

/** GitHub's primary e-mail (GET /user/emails, with its verified flag); GET /user says the token works for a user. */
async function githubIdentity(cfg: oidc.Configuration, accessToken: string, apiUrl: string): Promise<Identity> {
  const get = async <T>(path: string): Promise<T> => {
    const res = await oidc.fetchProtectedResource(cfg, accessToken, new URL(`${apiUrl}${path}`), 'GET', undefined, new Headers({ accept: 'application/vnd.github+json' }));
    if (!res.ok) throw new OAuthFailed('provider_error', `GitHub answered ${res.status} for ${path}`);
    return (await res.json()) as T;
  };
  await get<{ id: number }>('/user');
  const emails = await get<GitHubEmail[]>('/user/emails');
  const primary = Array.isArray(emails) ? emails.find((e) => e.primary) ?? emails.find((e) => e.verified) : undefined;
  if (!primary || typeof primary.email !== 'string') throw new SsoRefused('email_not_verified', 'GitHub gave no e-mail');
  return { email: primary.email, emailVerified: primary.verified === true };
}
