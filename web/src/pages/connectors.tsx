import { useState } from 'preact/hooks';
import { api, ok, type Answer } from '../api.ts';
import { Link, navigate } from '../router.tsx';
import { Problem, Section, Status, useAction, useLoad, when } from '../ui.tsx';
import { ConnectorForm } from './connector-form.tsx';

type TestResult = Answer<'/api/v1/connectors/{nameOrId}/test', 'post'>;
const path = (nameOrId: string) => ({ params: { path: { nameOrId } } });
const useTypes = () => useLoad(async () => ok(await api.GET('/api/v1/connectors/types')).data);

/** Connectors: native messages (Slack, Discord, Teams, e-mail, a URL) for events and alerts. */
export function Connectors() {
  const list = useLoad(async () => ok(await api.GET('/api/v1/connectors', { params: { query: { limit: 100 } } })).data);
  const types = useTypes();
  return (
    <main>
      <h1>Connectors</h1>
      <Problem error={list.error ?? types.error} />
      <table>
        <thead><tr><th>Name</th><th>Type</th><th>Event types</th><th>Active</th><th>Circuit</th><th>Updated</th></tr></thead>
        <tbody>{(list.data ?? []).map((c) => (
          <tr key={c.id} data-connector-id={c.id}>
            <td><Link href={`/ui/connectors/${c.id}`}>{c.name}</Link></td><td>{c.type}</td><td>{c.eventTypes.join(', ') || 'alerts only'}</td>
            <td><Status status={c.is_active ? 'active' : 'paused'} /></td><td>{c.circuit.state}</td><td>{when(c.updatedAt)}</td>
          </tr>
        ))}</tbody>
      </table>
      <Section title="New connector">
        {types.data && <ConnectorForm types={types.data} submit="Create the connector" onSubmit={async (body) => {
          const c = ok(await api.POST('/api/v1/connectors', { body }));
          navigate(`/ui/connectors/${c.id}`);
        }} />}
      </Section>
    </main>
  );
}

export function ConnectorPage(props: { id: string }) {
  const c = useLoad(async () => ok(await api.GET('/api/v1/connectors/{nameOrId}', path(props.id))), [props.id]);
  const types = useTypes();
  const [tested, setTested] = useState<TestResult | null>(null);
  const a = useAction();
  const x = c.data;
  if (!x || !types.data) return <main><Problem error={c.error ?? types.error} /></main>;
  return (
    <main>
      <h1>Connector {x.name}</h1>
      <p><Status status={x.is_active ? 'active' : 'paused'} /> {x.type} · v{x.version} · circuit {x.circuit.state}
        {x.circuit.consecutiveFailures > 0 && ` (${x.circuit.consecutiveFailures} failures in a row)`} · updated {when(x.updatedAt)}</p>
      <p><Link href="/ui/connectors">All connectors</Link></p>
      <button type="button" onClick={() => void a.run(async () => setTested(ok(await api.POST('/api/v1/connectors/{nameOrId}/test', path(x.id)))))}>Send a test notification</button>
      {tested && (
        <p role="status" data-test-success={String(tested.success)}>
          {tested.success ? 'Delivered' : 'Failed'}{tested.status_code !== null && `: the target answered ${tested.status_code}`}{tested.error && ` (${tested.error})`}
        </p>
      )}
      <Problem error={a.error} />
      <Section title="Settings">
        <ConnectorForm key={x.version} types={types.data} connector={x} submit="Save" onSubmit={async (body) => {
          ok(await api.PUT('/api/v1/connectors/{nameOrId}', { params: { path: { nameOrId: x.id } }, body }));
          c.reload();
        }} />
      </Section>
      <Section title="Delete">
        <button type="button" onClick={() => void a.run(async () => {
          if (!confirm(`Delete the connector ${x.name}?`)) return;
          ok(await api.DELETE('/api/v1/connectors/{nameOrId}', path(x.id)));
          navigate('/ui/connectors');
        })}>Delete the connector</button>
      </Section>
    </main>
  );
}
