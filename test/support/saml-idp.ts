import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The parts of samlify used here. Its types are not loaded: they pull in the DOM's, which change fetch's types for the whole project. */
type Entity = { entityMeta: { getEntityID(): string; getAssertionConsumerService(binding: string): string | string[] } };
type IdP = Entity & {
  getMetadata(): string;
  parseLoginRequest(sp: Entity, binding: 'redirect', req: { query: Record<string, string>; octetString: string }): Promise<{ extract: unknown }>;
  createLoginResponse(sp: Entity, info: object, binding: 'post', user: object, replace: (template: string) => { id: string; context: string }): Promise<{ context: string }>;
};
type Samlify = {
  setSchemaValidator(v: unknown): void;
  IdentityProvider(settings: object): IdP;
  ServiceProvider(settings: object): Entity;
  SamlLib: { defaultLoginResponseTemplate: { context: string }; replaceTagsByValue(template: string, values: Record<string, string>): string };
};
const SAMLIFY = 'samlify';
const VALIDATOR = '@authenio/samlify-node-xmllint';
const samlify = (await import(SAMLIFY)) as Samlify;
samlify.setSchemaValidator(await import(VALIDATOR));

/** A self-signed signing key and certificate for the IdP, made by openssl. */
function signingPair() {
  const dir = mkdtempSync(join(tmpdir(), 'mittr-saml-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'idp.key', '-out', 'idp.pem', '-days', '2', '-subj', '/CN=test-idp'], { cwd: dir, stdio: 'pipe' });
  return { key: readFileSync(join(dir, 'idp.key'), 'utf8'), cert: readFileSync(join(dir, 'idp.pem'), 'utf8') };
}

/** What a response may be minted with besides the defaults: a spec's bad responses. */
export type Mint = { email: string; assertionId?: string; audience?: string; notOnOrAfter?: Date; notBefore?: Date; recipient?: string; inResponseTo?: string };

/**
 * samlify as the identity provider: it reads mittr's SP metadata (GET .../metadata), parses the
 * AuthnRequest mittr redirected with, and mints signed responses (assertion signed as the SP's
 * metadata asks), or unsigned ones when told.
 */
export function samlIdp(entityId: string, ssoUrl: string) {
  const pair = signingPair();
  const settings = {
    entityID: entityId, privateKey: pair.key, signingCert: pair.cert, isAssertionEncrypted: false,
    nameIDFormat: ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress'],
    singleSignOnService: [{ Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', Location: ssoUrl }],
  };
  const idp = samlify.IdentityProvider(settings);
  /** Another IdP's key with the same name: its signatures are not the configured certificate's. */
  const impostor = samlify.IdentityProvider({ ...settings, ...(({ key, cert }) => ({ privateKey: key, signingCert: cert }))(signingPair()) });

  /** The AuthnRequest id of the redirect mittr answered its login with. */
  async function requestId(spMetadata: string, redirect: URL): Promise<string> {
    const sp = samlify.ServiceProvider({ metadata: spMetadata });
    const parsed = await idp.parseLoginRequest(sp, 'redirect', { query: Object.fromEntries(redirect.searchParams), octetString: '' });
    return (parsed.extract as { request: { id: string } }).request.id;
  }

  /** A base64 SAMLResponse for the SP, signed by `by` (the IdP by default); `unsigned` skips samlify's signing altogether. */
  async function respond(spMetadata: string, requestIdValue: string, mint: Mint, opts: { by?: 'idp' | 'impostor'; signAssertion?: boolean; unsigned?: boolean } = {}): Promise<string> {
    const fromMetadata = samlify.ServiceProvider({ metadata: spMetadata });
    const meta = fromMetadata.entityMeta;
    const acs = String(meta.getAssertionConsumerService('post'));
    // An SP's metadata wins over its settings in samlify: an SP that wants no signed assertion is made from settings.
    const sp = opts.signAssertion === false
      ? samlify.ServiceProvider({ entityID: meta.getEntityID(), wantAssertionsSigned: false, wantMessageSigned: true, assertionConsumerService: [{ Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST', Location: acs }] })
      : fromMetadata;
    const now = new Date();
    const later = mint.notOnOrAfter ?? new Date(now.getTime() + 5 * 60_000);
    const tvalue = {
      ID: `_${crypto.randomUUID()}`, AssertionID: mint.assertionId ?? `_${crypto.randomUUID()}`, Destination: acs, Audience: mint.audience ?? meta.getEntityID(),
      EntityID: meta.getEntityID(), SubjectRecipient: mint.recipient ?? acs, Issuer: entityId, IssueInstant: now.toISOString(),
      AssertionConsumerServiceURL: acs, StatusCode: 'urn:oasis:names:tc:SAML:2.0:status:Success',
      ConditionsNotBefore: (mint.notBefore ?? new Date(now.getTime() - 60_000)).toISOString(), ConditionsNotOnOrAfter: later.toISOString(),
      SubjectConfirmationDataNotOnOrAfter: later.toISOString(), NameIDFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      NameID: mint.email, InResponseTo: mint.inResponseTo ?? requestIdValue, AuthnStatement: '', AttributeStatement: '',
    };
    const template = samlify.SamlLib.defaultLoginResponseTemplate.context;
    if (opts.unsigned) return Buffer.from(samlify.SamlLib.replaceTagsByValue(template, tvalue)).toString('base64');
    const signer = opts.by === 'impostor' ? impostor : idp;
    const { context } = await signer.createLoginResponse(sp, { extract: { request: { id: requestIdValue } } }, 'post', { email: mint.email },
      () => ({ id: tvalue.ID, context: samlify.SamlLib.replaceTagsByValue(template, tvalue) }));
    return context;
  }

  return { cert: pair.cert, metadata: idp.getMetadata(), entityId, ssoUrl, requestId, respond };
}
