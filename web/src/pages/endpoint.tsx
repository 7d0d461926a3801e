import { useState } from 'preact/hooks';
import { api, ok, type Answer } from '../api.ts';
import { Json, Problem, Section, Status, useAction, useLoad, when } from '../ui.tsx';
import { EndpointForm } from './endpoint-form.tsx';
import { TryIt } from './try-it.tsx';

type Secret = Answer<'/api/v1/endpoints/{id}/secret', 'get'>;
type Diff = Answer<'/api/v1/endpoints/{id}/versions/diff', 'get'>;
const path = (id: string) => ({ params: { path: { id } } });

function SecretPanel(props: { id: string }) {
  const [secret, setSecret] = useState<Secret | undefined>();
  const a = useAction();
  return (
    <Section title="Signing secret">
      <button type="button" onClick={() => void a.run(async () => setSecret(ok(await api.GET('/api/v1/endpoints/{id}/secret', path(props.id)))))}>Reveal the secret</button>
      <button type="button" onClick={() => void a.run(async () => setSecret(ok(await api.POST('/api/v1/endpoints/{id}/secret/rotate', path(props.id)))))}>Rotate the secret</button>
      <Problem error={a.error} />
      {secret && (
        <dl>
          <dt>Current ({secret.signingSecretSource})</dt><dd><code data-testid="signing-secret">{secret.signingSecret}</code></dd>
          {secret.previousSecret && <><dt>Previous, valid until {when(secret.previousSecretExpiresAt)}</dt><dd><code>{secret.previousSecret}</code></dd></>}
        </dl>
      )}
    </Section>
  );
}

function Versions(props: { id: string; onRollback: () => void }) {
  const versions = useLoad(async () => ok(await api.GET('/api/v1/endpoints/{id}/versions', path(props.id))).data, [props.id]);
  const [diff, setDiff] = useState<Diff | undefined>();
  const a = useAction();
  return (
    <Section title="Versions">
      <Problem error={versions.error ?? a.error} />
      <table>
        <thead><tr><th>Version</th><th>Change</th><th>At</th><th /></tr></thead>
        <tbody>
          {(versions.data ?? []).map((v) => (
            <tr key={v.version}>
              <td>v{v.version}</td><td>{v.change}{v.rolledBackTo !== null && ` (to v${v.rolledBackTo})`}</td><td>{when(v.createdAt)}</td>
              <td>
                {v.version > 1 && <button type="button" onClick={() => void a.run(async () => setDiff(ok(await api.GET('/api/v1/endpoints/{id}/versions/diff', { params: { path: { id: props.id }, query: { v1: v.version - 1, v2: v.version } } }))))}>Diff with v{v.version - 1}</button>}
                <button type="button" onClick={() => void a.run(async () => {
                  ok(await api.POST('/api/v1/endpoints/{id}/versions/{n}/rollback', { params: { path: { id: props.id, n: v.version } } }));
                  versions.settle(); props.onRollback();
                })}>Roll back to v{v.version}</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {diff && (
        <table class="diff">
          <caption>v{diff.v1} → v{diff.v2}</caption>
          <thead><tr><th>Field</th><th>From</th><th>To</th></tr></thead>
          <tbody>{diff.changes.map((c) => <tr key={c.field}><td>{c.field}</td><td><Json value={c.from} /></td><td><Json value={c.to} /></td></tr>)}</tbody>
        </table>
      )}
    </Section>
  );
}

export function EndpointPage(props: { id: string }) {
  const ep = useLoad(async () => ok(await api.GET('/api/v1/endpoints/{id}', path(props.id))), [props.id]);
  const a = useAction();
  const [saved, setSaved] = useState(0);
  const e = ep.data;
  if (!e) return <main><Problem error={ep.error} /></main>;
  return (
    <main>
      <h1>Endpoint <code>{e.url}</code></h1>
      <p><Status status={e.status} /> v{e.version} · circuit {e.circuitState} · updated {when(e.updatedAt)}</p>
      {e.paused
        ? <button type="button" onClick={() => void a.run(async () => { ok(await api.POST('/api/v1/endpoints/{id}/resume', path(e.id))); ep.reload(); })}>Resume</button>
        : <button type="button" onClick={() => void a.run(async () => { ok(await api.POST('/api/v1/endpoints/{id}/pause', path(e.id))); ep.reload(); })}>Pause</button>}
      <Problem error={a.error} />
      <Section title="Settings">
        <EndpointForm key={`${e.version}-${saved}`} endpoint={e} submit="Save" onSubmit={async (body) => {
          ok(await api.PATCH('/api/v1/endpoints/{id}', { params: { path: { id: e.id } }, body }));
          setSaved((n) => n + 1); ep.reload();
        }} />
      </Section>
      <SecretPanel id={e.id} />
      <Versions key={e.version} id={e.id} onRollback={ep.reload} />
      <TryIt key={e.version} endpointId={e.id} filter={e.filter} transformation={e.transformation} />
    </main>
  );
}
