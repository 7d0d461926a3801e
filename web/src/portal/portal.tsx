import { useEffect, useLayoutEffect, useState } from 'preact/hooks';
import { Link, match, navigate, usePath } from '../router.tsx';
import { Field, Problem, Section, Status, useAction, useLoad, when } from '../ui.tsx';
import { portal, portalHref, portalToken } from './client.ts';
import { applyTheme, logoOf } from './theme.ts';

/** /portal/exchange?token=…: swaps the one-time token for a session, then opens the portal. */
function Exchange(props: { token: string }) {
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    portal.exchange(props.token).then(() => navigate(portalHref('/portal/endpoints')), setError);
  }, [props.token]);
  return <main class="narrow"><h1>Opening the portal…</h1><Problem error={error} /></main>;
}

function Endpoints() {
  const list = useLoad(() => portal.endpoints());
  const [url, setUrl] = useState('');
  const [types, setTypes] = useState('');
  const a = useAction();
  return (
    <main>
      <h1>Endpoints</h1>
      <Problem error={list.error ?? a.error} />
      <table>
        <thead><tr><th>URL</th><th>Event types</th><th>Status</th></tr></thead>
        <tbody>{(list.data ?? []).map((e) => <tr key={e.id} data-endpoint-id={e.id}><td>{e.url}</td><td>{e.eventTypes.join(', ') || '*'}</td><td><Status status={e.status ?? (e.paused ? 'paused' : 'active')} /></td></tr>)}</tbody>
      </table>
      <Section title="Add an endpoint">
        <form onSubmit={(ev) => { ev.preventDefault(); void a.run(async () => { await portal.createEndpoint({ url, eventTypes: types.split(',').map((t) => t.trim()).filter(Boolean) }); setUrl(''); list.settle(); }); }}>
          <Field label="URL" value={url} onInput={setUrl} required />
          <Field label="Event types (comma-separated)" value={types} onInput={setTypes} />
          <button type="submit" disabled={a.busy}>Add</button>
        </form>
      </Section>
    </main>
  );
}

function Events() {
  const list = useLoad(() => portal.events());
  return (
    <main>
      <h1>Events</h1>
      <Problem error={list.error} />
      <table>
        <thead><tr><th>Event</th><th>Type</th><th>Status</th><th>Attempts</th><th>Created</th></tr></thead>
        <tbody>{(list.data ?? []).map((e) => (
          <tr key={e.id} data-event-id={e.id}><td><Link href={portalHref(`/portal/events/${e.id}`)}>{e.id.slice(0, 8)}</Link></td><td>{e.eventType ?? '—'}</td><td><Status status={e.status} /></td><td>{e.attempts}</td><td>{when(e.createdAt)}</td></tr>
        ))}</tbody>
      </table>
    </main>
  );
}

function EventPage(props: { id: string }) {
  const ev = useLoad(() => portal.event(props.id), [props.id]);
  const attempts = useLoad(() => portal.deliveries(props.id), [props.id]);
  const a = useAction();
  return (
    <main>
      <h1>Event <code>{props.id}</code></h1>
      <Problem error={ev.error ?? attempts.error ?? a.error} />
      {ev.data && <p><Status status={ev.data.status} /> {ev.data.eventType} · {ev.data.attempts} attempts</p>}
      <button type="button" onClick={() => void a.run(async () => { await portal.retry(props.id); ev.reload(); attempts.reload(); })}>Retry</button>
      <table>
        <thead><tr><th>#</th><th>Outcome</th><th>Response</th><th>Time</th><th>Error</th><th>At</th></tr></thead>
        <tbody>{(attempts.data ?? []).map((d) => (
          <tr key={d.id}><td>{d.attemptNumber}</td><td><Status status={d.outcome} /></td><td>{d.statusCode ?? '—'}</td><td>{d.durationMs} ms</td><td>{d.errorCategory ?? '—'} {d.error}</td><td>{when(d.attemptedAt)}</td></tr>
        ))}</tbody>
      </table>
    </main>
  );
}

/** The portal: one sub-account's endpoints and events, inside its customer's app (an iframe). */
export function Portal() {
  const { path, query } = usePath();
  const session = useLoad(async () => (portalToken() ? portal.session() : undefined), [path === '/portal/exchange']);
  // The sub-account's configured theme, the query's choices over it: applied before the browser
  // paints the session's page (an effect ran a frame later: the page showed light, then dark).
  useLayoutEffect(() => applyTheme(query, session.data?.portalTheme), [query.toString(), session.data]);
  if (path === '/portal/exchange') return <Exchange token={query.get('token') ?? ''} />;
  if (!portalToken()) return <main class="narrow"><h1>This portal link has expired</h1><p>Open the portal again from the application you came from.</p></main>;
  const s = session.data;
  const name = s?.subAccount?.name ?? s?.name ?? s?.subAccount?.subID ?? s?.subID ?? '';
  const event = match('/portal/events/:id', path);
  const logo = logoOf(s?.portalTheme);
  return (
    <div class="portal">
      <header><nav aria-label="Portal">
        {logo && <img class="logo" src={logo} alt={`${name || 'Portal'} logo`} />}
        <strong data-testid="sub-account-name">{name}</strong>
        <Link href={portalHref('/portal/endpoints')}>Endpoints</Link> <Link href={portalHref('/portal/events')}>Events</Link>
      </nav></header>
      <Problem error={session.error} />
      {event ? <EventPage id={event.id!} /> : path.startsWith('/portal/events') ? <Events /> : <Endpoints />}
    </div>
  );
}
