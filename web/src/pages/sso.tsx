import { useState } from 'preact/hooks';
import { api, ApiError, ok, type Answer, type Paths } from '../api.ts';
import { Area, Check, Copyable, Field, Problem, Section, Select, useAction, useLoad, when } from '../ui.tsx';
import { ScimTokens } from './scim-tokens.tsx';

type Saml = Answer<'/api/v1/sso/saml', 'get'>;
type SamlBody = NonNullable<Paths['/api/v1/sso/saml']['put']['requestBody']>['content']['application/json'];
const ROLES = ['viewer', 'editor', 'admin'] as const;

type Values = { slug: string; metadata: string; entityId: string; ssoUrl: string; certs: string; domains: string; enforced: boolean; provisioning: boolean; role: string };
const toValues = (s?: Saml): Values => ({
  slug: s?.slug ?? 'saml', metadata: '', entityId: s?.idpEntityId ?? '', ssoUrl: s?.idpSsoUrl ?? '', certs: s?.idpCertificates.join('\n\n') ?? '',
  domains: s?.allowedDomains.join(', ') ?? '', enforced: s?.enforced ?? false, provisioning: s?.provisioning ?? true, role: s?.defaultRole ?? 'viewer',
});

/** PEM blocks, or base64 DER ones separated by blank lines. */
function certificates(text: string): string[] {
  const pem = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  return pem ?? text.split(/\n\s*\n/).map((c) => c.trim()).filter(Boolean);
}

/**
 * The API's body. Metadata XML, when pasted, is the source: then only the IdP fields changed from
 * the stored ones are sent (the API lets given fields win over the metadata).
 */
function toBody(v: Values, stored: Values): SamlBody {
  const fromXml = v.metadata.trim() !== '';
  const changed = (k: 'entityId' | 'ssoUrl' | 'certs') => v[k].trim() !== '' && (!fromXml || v[k] !== stored[k]);
  return {
    slug: v.slug.trim(), allowedDomains: v.domains.split(/[\s,]+/).filter(Boolean), enforced: v.enforced, provisioning: v.provisioning, defaultRole: v.role as SamlBody['defaultRole'],
    ...(fromXml ? { idpMetadata: v.metadata.trim() } : {}),
    ...(changed('entityId') ? { idpEntityId: v.entityId.trim() } : {}),
    ...(changed('ssoUrl') ? { idpSsoUrl: v.ssoUrl.trim() } : {}),
    ...(changed('certs') ? { idpCertificates: certificates(v.certs) } : {}),
  };
}

function SamlForm(props: { saml?: Saml; onSaved: () => void }) {
  const [stored] = useState(() => toValues(props.saml));
  const [v, setV] = useState(stored);
  const set = <K extends keyof Values>(k: K) => (x: Values[K]) => setV((o) => ({ ...o, [k]: x }));
  const a = useAction();
  return (
    <form onSubmit={(e) => { e.preventDefault(); void a.run(async () => { ok(await api.PUT('/api/v1/sso/saml', { body: toBody(v, stored) })); props.onSaved(); }); }}>
      <Field label="Slug (the last segment of the SAML URLs)" value={v.slug} onInput={set('slug')} required />
      <Area label="IdP metadata XML (read for the entity id, SSO URL and certificates; fields below win when changed)" value={v.metadata} onInput={set('metadata')} rows={4} />
      <Field label="IdP entity id" value={v.entityId} onInput={set('entityId')} />
      <Field label="IdP single sign-on URL (HTTP-Redirect)" type="url" value={v.ssoUrl} onInput={set('ssoUrl')} />
      <Area label="IdP signing certificates (PEM, one or more)" value={v.certs} onInput={set('certs')} rows={4} />
      <Field label="E-mail domains (comma-separated)" value={v.domains} onInput={set('domains')} placeholder="example.com" />
      <Check label="Enforce: members of these domains sign in through the IdP only" checked={v.enforced} onChange={set('enforced')} />
      <Check label="Provision: a new e-mail of these domains becomes a member on first sign-in" checked={v.provisioning} onChange={set('provisioning')} />
      <Select label="Role of provisioned members" value={v.role} options={ROLES} onChange={set('role')} />
      <button type="submit" disabled={a.busy}>Save the SAML settings</button>
      <Problem error={a.error} />
    </form>
  );
}

/** SSO: the workspace's SAML IdP, domains and enforcement; SCIM tokens. Admins only. */
export function Sso() {
  const saml = useLoad(async () => {
    try { return ok(await api.GET('/api/v1/sso/saml')); } catch (e) { if (e instanceof ApiError && e.status === 404) return null; throw e; }
  });
  const a = useAction();
  const s = saml.data;
  return (
    <main>
      <h1>Single sign-on</h1>
      <Problem error={saml.error ?? a.error} />
      <Section title="SAML">
        {s === null && <p class="muted">Not configured: members sign in with a password (or Google/GitHub where the deployment offers them).</p>}
        {s && (
          <>
            <p data-testid="saml-version">v{s.version} · updated {when(s.updatedAt)}{s.enforced && ' · enforced'}</p>
            <p>Give the identity provider:</p>
            <Copyable label="SP entity id" value={s.sp.entityId} />
            <Copyable label="Assertion consumer service URL" value={s.sp.acsUrl} />
            <Copyable label="SP metadata URL" value={s.sp.metadataUrl} />
            <Copyable label="SSO login URL" value={s.sp.loginUrl} />
          </>
        )}
        {s !== undefined && <SamlForm key={s?.version ?? 0} saml={s ?? undefined} onSaved={saml.reload} />}
        {s && (
          <button type="button" onClick={() => void a.run(async () => {
            if (!confirm('Remove the SAML settings? Their domains are freed and password sign-in works again.')) return;
            ok(await api.DELETE('/api/v1/sso/saml'));
            saml.reload();
          })}>Remove the SAML settings</button>
        )}
      </Section>
      <ScimTokens />
    </main>
  );
}
