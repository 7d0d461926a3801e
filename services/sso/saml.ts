import { SAML, ValidateInResponseTo, type Profile } from '@node-saml/node-saml';
import type { DatabasePool } from 'slonik';
import { SsoRefused, type Identity } from './domain/login.ts';
import type { SsoSettings } from './domain/settings.ts';
import { OAuthFailed } from './oauth.ts';
import { SamlAssertions, SamlRequestCache } from './saml-store.ts';

/** How long an AuthnRequest may wait for its answer. */
const REQUEST_TTL_MS = 10 * 60_000;
/** How long an assertion id is remembered when the assertion names no expiry of its own. */
const DEFAULT_ASSERTION_TTL_MS = 60 * 60_000;

/** The service provider's URLs of one workspace's SAML connection. */
export const spUrls = (publicUrl: string, s: { accountId: string; slug: string }) => {
  const base = `${publicUrl}/auth/sso/saml/${s.accountId}/${s.slug}`;
  return { entityId: `${base}/metadata`, acs: `${base}/acs`, login: `${base}/login` };
};

/** node-saml's errors, as the codes the login page is sent back with. */
const REASONS: Array<[RegExp, string]> = [
  [/signature/i, 'invalid_signature'],
  // node-saml says a subject confirmation past its NotOnOrAfter has no valid confirmation.
  [/expired|NotOnOrAfter|NotBefore|not yet valid|No valid subject confirmation/i, 'assertion_expired'],
  [/audience/i, 'wrong_audience'], [/InResponseTo/i, 'unknown_request'], [/issuer/i, 'wrong_issuer'],
];
const refusal = (err: unknown) => {
  const message = (err as Error).message ?? String(err);
  return new OAuthFailed(REASONS.find(([re]) => re.test(message))?.[1] ?? 'invalid_saml_response', `the SAML response was refused: ${message}`);
};

/**
 * Each workspace's SAML 2.0 service provider (node-saml): AuthnRequests by HTTP-Redirect, answers
 * by HTTP-POST. Signed assertions only, from the configured IdP (issuer, certificate), for this
 * SP (audience, recipient), in their validity window, in response to a request issued here and
 * unanswered yet, and each assertion once.
 */
export function samlProviders(db: DatabasePool, publicUrl: () => string) {
  const cache = new SamlRequestCache(db, REQUEST_TTL_MS);
  const assertions = new SamlAssertions(db);

  function sp(s: SsoSettings): SAML {
    const urls = spUrls(publicUrl(), s);
    return new SAML({
      callbackUrl: urls.acs, entryPoint: s.idpSsoUrl, issuer: urls.entityId, audience: urls.entityId, idpIssuer: s.idpEntityId,
      idpCert: s.idpCertificates, wantAssertionsSigned: true, wantAuthnResponseSigned: false,
      validateInResponseTo: ValidateInResponseTo.always, requestIdExpirationPeriodMs: REQUEST_TTL_MS, cacheProvider: cache,
      identifierFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress', disableRequestedAuthnContext: true,
      acceptedClockSkewMs: 60_000,
    });
  }

  /** The IdP URL the browser is sent to, carrying a fresh AuthnRequest. */
  const loginUrl = (s: SsoSettings) => sp(s).getAuthorizeUrlAsync('', undefined, {});

  /** The SP metadata an admin gives the IdP. */
  const metadata = (s: SsoSettings) => sp(s).generateServiceProviderMetadata(null, null);

  /** The identity a posted SAMLResponse proves, or a refusal. */
  async function consume(s: SsoSettings, samlResponse: string): Promise<Identity> {
    let profile: Profile | null;
    try {
      ({ profile } = await sp(s).validatePostResponseAsync({ SAMLResponse: samlResponse }));
    } catch (err) {
      throw refusal(err);
    }
    if (!profile) throw new OAuthFailed('invalid_saml_response', 'the SAML response holds no assertion');
    const assertion = (profile.getAssertion?.() as { Assertion?: AssertionXml } | undefined)?.Assertion;
    const confirmation = assertion?.Subject?.[0]?.SubjectConfirmation?.[0]?.SubjectConfirmationData?.[0]?.$;
    if (confirmation?.Recipient !== spUrls(publicUrl(), s).acs) throw new OAuthFailed('wrong_recipient', 'the assertion is for another recipient');
    const id = assertion?.$?.ID;
    if (!id) throw new OAuthFailed('invalid_saml_response', 'the assertion has no ID');
    const notOnOrAfter = assertion.Conditions?.[0]?.$?.NotOnOrAfter ?? confirmation.NotOnOrAfter;
    const expiresAt = notOnOrAfter ? Date.parse(notOnOrAfter) : Date.now() + DEFAULT_ASSERTION_TTL_MS;
    if (!(await assertions.firstUse(id, s.accountId, Number.isFinite(expiresAt) ? expiresAt : Date.now() + DEFAULT_ASSERTION_TTL_MS))) {
      throw new OAuthFailed('assertion_replayed', 'this assertion was used before');
    }
    const email = typeof profile.email === 'string' ? profile.email : profile.nameID;
    if (!email || !email.includes('@')) throw new SsoRefused('email_not_verified', 'the assertion names no e-mail');
    // The workspace's own IdP vouches for its domains' addresses (decideSamlLogin checks the domain).
    return { email, emailVerified: true };
  }

  return { loginUrl, metadata, consume };
}

/** The parts of node-saml's parsed (xml2js) assertion read here; it was verified before it was parsed. */
type AssertionXml = {
  $?: { ID?: string };
  Subject?: Array<{ SubjectConfirmation?: Array<{ SubjectConfirmationData?: Array<{ $?: { Recipient?: string; NotOnOrAfter?: string } }> }> }>;
  Conditions?: Array<{ $?: { NotOnOrAfter?: string } }>;
};
