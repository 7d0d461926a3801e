import { api, ok } from '../api.ts';
import { Link, navigate } from '../router.tsx';
import { Problem, Status, useLoad } from '../ui.tsx';
import { EndpointForm } from './endpoint-form.tsx';
import { TryIt } from './try-it.tsx';

export function Endpoints() {
  const list = useLoad(async () => ok(await api.GET('/api/v1/endpoints', { params: { query: { limit: 100 } } })).data);
  return (
    <main>
      <h1>Endpoints</h1>
      <p><Link href="/ui/endpoints/new" class="button">New endpoint</Link></p>
      <Problem error={list.error} />
      <table>
        <thead><tr><th>URL</th><th>Event types</th><th>Status</th><th>Circuit</th><th>Version</th></tr></thead>
        <tbody>
          {(list.data ?? []).map((e) => (
            <tr key={e.id}>
              <td><Link href={`/ui/endpoints/${e.id}`}>{e.url}</Link></td>
              <td>{e.eventTypes.join(', ') || '*'}</td>
              <td><Status status={e.status} /></td>
              <td>{e.circuitState}</td>
              <td>v{e.version}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}

export function NewEndpoint() {
  return (
    <main>
      <h1>New endpoint</h1>
      <EndpointForm submit="Create the endpoint" onSubmit={async (body) => {
        const e = ok(await api.POST('/api/v1/endpoints', { body }));
        navigate(`/ui/endpoints/${e.id}`);
      }} />
      <TryIt />
    </main>
  );
}
