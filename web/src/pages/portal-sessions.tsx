import { useState } from 'preact/hooks';
import { api, ok, type Answer } from '../api.ts';
import { Copyable, Field, Problem, Section, useAction, useLoad, when } from '../ui.tsx';

type Minted = Answer<'/api/v1/sub-accounts/{id}/sessions', 'post', 201>;
const path = (id: string) => ({ params: { path: { id } } });

/**
 * A sub-account's portal sessions: mint one (its URL carries a one-time exchange token, shown
 * here once, as the API answers it), list the live ones, revoke one or all.
 */
export function PortalSessions(props: { id: string; origins: string[] }) {
  const sessions = useLoad(async () => ok(await api.GET('/api/v1/sub-accounts/{id}/sessions', path(props.id))).data, [props.id]);
  const [returnURL, setReturnURL] = useState(props.origins[0] ? `${props.origins[0]}/` : location.origin);
  const [ttl, setTtl] = useState('3600');
  const [minted, setMinted] = useState<Minted | null>(null);
  const [revoked, setRevoked] = useState<number | null>(null);
  const a = useAction();
  const revoke = (fn: () => Promise<{ revoked: number }>) => void a.run(async () => { setRevoked((await fn()).revoked); setMinted(null); sessions.reload(); });
  return (
    <Section title="Portal sessions">
      <form onSubmit={(e) => { e.preventDefault(); void a.run(async () => {
        setMinted(ok(await api.POST('/api/v1/sub-accounts/{id}/sessions', { params: { path: { id: props.id } }, body: { returnURL, ttlSeconds: Number(ttl) } })));
        setRevoked(null); sessions.reload();
      }); }}>
        <Field label="Return URL (the portal's back link)" type="url" value={returnURL} onInput={setReturnURL} required />
        <Field label="Idle lifetime (seconds, 60-86400)" type="number" value={ttl} onInput={setTtl} required />
        <button type="submit" disabled={a.busy}>Create a portal session</button>
      </form>
      <Problem error={a.error} />
      {minted && (
        <div role="status">
          <Copyable label={`Portal URL (opens once, by ${when(minted.exchangeExpiresAt)})`} value={minted.url} testId="portal-url" />
        </div>
      )}
      {revoked !== null && <p role="status">Revoked {revoked} session{revoked === 1 ? '' : 's'}.</p>}
      <table>
        <caption>Live sessions</caption>
        <thead><tr><th>Session</th><th>State</th><th>Return URL</th><th>Idle lifetime</th><th>Created</th><th>Expires</th><th /></tr></thead>
        <tbody>{(sessions.data ?? []).map((x) => (
          <tr key={x.id} data-session-id={x.id}>
            <td><code>{x.id}</code></td><td>{x.state}</td><td>{x.returnURL}</td><td>{x.ttlSeconds} s</td><td>{when(x.createdAt)}</td>
            <td>{x.state === 'pending' ? `exchange by ${when(x.exchangeExpiresAt)}` : when(x.expiresAt)}</td>
            <td><button type="button" aria-label={`Revoke session ${x.id}`} onClick={() => revoke(async () => ok(await api.DELETE('/api/v1/sub-accounts/{id}/sessions/{sessionId}', { params: { path: { id: props.id, sessionId: x.id } } })))}>Revoke</button></td>
          </tr>
        ))}</tbody>
      </table>
      {(sessions.data?.length ?? 0) > 0 && (
        <button type="button" onClick={() => revoke(async () => ok(await api.DELETE('/api/v1/sub-accounts/{id}/sessions', path(props.id))))}>Revoke all sessions</button>
      )}
    </Section>
  );
}
