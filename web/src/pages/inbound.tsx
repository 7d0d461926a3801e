import { api, ok } from '../api.ts';
import { Link, navigate } from '../router.tsx';
import { Copyable, Problem, Section, Status, useAction, useLoad, when } from '../ui.tsx';
import { InboundForm } from './inbound-form.tsx';

const path = (id: string) => ({ params: { path: { id } } });
const usePresets = () => useLoad(async () => ok(await api.GET('/api/v1/inbound-presets')).data);

/** Inbound endpoints: receiver URLs that take a provider's webhooks, verify them by preset and turn them into events. */
export function InboundEndpoints() {
  const list = useLoad(async () => ok(await api.GET('/api/v1/inbound-endpoints', { params: { query: { limit: 100 } } })).data);
  const presets = usePresets();
  return (
    <main>
      <h1>Inbound endpoints</h1>
      <Problem error={list.error ?? presets.error} />
      <table>
        <thead><tr><th>Name</th><th>Preset</th><th>Receiver URL</th><th>Status</th><th>Created</th></tr></thead>
        <tbody>{(list.data ?? []).map((i) => (
          <tr key={i.id} data-inbound-id={i.id}>
            <td><Link href={`/ui/inbound/${i.id}`}>{i.name}</Link></td><td>{i.source}</td><td><code>{i.url}</code></td>
            <td><Status status={i.status} /></td><td>{when(i.createdAt)}</td>
          </tr>
        ))}</tbody>
      </table>
      <Section title="New inbound endpoint">
        {presets.data && <InboundForm presets={presets.data} submit="Create the inbound endpoint" onSubmit={async (body) => {
          const i = ok(await api.POST('/api/v1/inbound-endpoints', { body }));
          navigate(`/ui/inbound/${i.id}`);
        }} />}
      </Section>
    </main>
  );
}

function Requests(props: { id: string }) {
  const reqs = useLoad(async () => ok(await api.GET('/api/v1/inbound-endpoints/{id}/requests', { params: { path: { id: props.id }, query: { limit: 100 } } })).data, [props.id]);
  return (
    <Section title="Received requests">
      <button type="button" onClick={reqs.reload}>Refresh the requests</button>
      <Problem error={reqs.error} />
      <table>
        <thead><tr><th>Received</th><th>Request</th><th>Verdict</th><th>Reason</th><th>Answered</th><th>Event</th></tr></thead>
        <tbody>{(reqs.data ?? []).map((r) => (
          <tr key={r.id} data-request-id={r.id} data-verified={String(r.verified)}>
            <td>{when(r.receivedAt)}</td><td>{r.method} <code>{r.url}</code></td>
            <td><Status status={r.verified ? 'success' : 'failure'} /> {r.verified ? 'verified' : 'refused'}{r.duplicate && ' (duplicate)'}</td>
            <td>{r.reason ?? '—'}{r.detail && <span class="muted"> · {r.detail}</span>}</td><td>{r.status}</td>
            <td>{r.eventId ? <Link href={`/ui/events/${r.eventId}`}>{r.eventType ?? r.eventId}</Link> : '—'}</td>
          </tr>
        ))}</tbody>
      </table>
    </Section>
  );
}

export function InboundPage(props: { id: string }) {
  const ib = useLoad(async () => ok(await api.GET('/api/v1/inbound-endpoints/{id}', path(props.id))), [props.id]);
  const presets = usePresets();
  const a = useAction();
  const i = ib.data;
  if (!i || !presets.data) return <main><Problem error={ib.error ?? presets.error} /></main>;
  return (
    <main>
      <h1>Inbound endpoint {i.name}</h1>
      <p><Status status={i.status} /> {i.source} · v{i.version} · updated {when(i.updatedAt)}</p>
      <p><Link href="/ui/inbound">All inbound endpoints</Link></p>
      <Copyable label="Receiver URL (give it to the provider)" value={i.url} testId="receiver-url" />
      <Problem error={a.error} />
      <Requests id={i.id} />
      <Section title="Settings">
        <InboundForm key={i.version} presets={presets.data} inbound={i} submit="Save" onSubmit={async (body) => {
          ok(await api.PATCH('/api/v1/inbound-endpoints/{id}', { params: { path: { id: i.id } }, body }));
          ib.reload();
        }} />
      </Section>
      <Section title="Delete">
        <button type="button" onClick={() => void a.run(async () => {
          if (!confirm(`Delete ${i.name}? Its URL stops answering.`)) return;
          ok(await api.DELETE('/api/v1/inbound-endpoints/{id}', path(i.id)));
          navigate('/ui/inbound');
        })}>Delete the inbound endpoint</button>
      </Section>
    </main>
  );
}
