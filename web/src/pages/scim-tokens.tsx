import { useState } from 'preact/hooks';
import { api, ok } from '../api.ts';
import { Copyable, Field, Problem, Section, useAction, useLoad, when } from '../ui.tsx';

/** SCIM tokens: issued for an identity provider, the token shown once (only its hash is kept), revoked at once. */
export function ScimTokens() {
  const tokens = useLoad(async () => ok(await api.GET('/api/v1/scim/tokens')).data);
  const [name, setName] = useState('');
  const [issued, setIssued] = useState('');
  const a = useAction();
  return (
    <Section title="SCIM provisioning">
      <p>The identity provider's SCIM base URL: <code>{location.origin}/scim/v2</code></p>
      <Problem error={tokens.error ?? a.error} />
      <table>
        <caption>Live SCIM tokens</caption>
        <thead><tr><th>Name</th><th>Prefix</th><th>Issued</th><th /></tr></thead>
        <tbody>{(tokens.data ?? []).map((t) => (
          <tr key={t.id} data-scim-token-id={t.id}>
            <td>{t.name}</td><td><code>{t.prefix}</code></td><td>{when(t.createdAt)}</td>
            <td><button type="button" aria-label={`Revoke the SCIM token ${t.name}`} onClick={() => void a.run(async () => {
              ok(await api.DELETE('/api/v1/scim/tokens/{tokenId}', { params: { path: { tokenId: t.id } } }));
              setIssued(''); tokens.reload();
            })}>Revoke</button></td>
          </tr>
        ))}</tbody>
      </table>
      <form onSubmit={(e) => { e.preventDefault(); void a.run(async () => {
        setIssued(ok(await api.POST('/api/v1/scim/tokens', { body: { name: name.trim() } })).token);
        setName(''); tokens.reload();
      }); }}>
        <Field label="Identity provider holding the token" value={name} onInput={setName} required placeholder="Okta" />
        <button type="submit" disabled={a.busy}>Issue a SCIM token</button>
      </form>
      {issued && <div role="status"><Copyable label="SCIM token, shown this once: give it to the identity provider now" value={issued} testId="scim-token" /></div>}
    </Section>
  );
}
