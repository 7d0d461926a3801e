import { useEffect, useState } from 'preact/hooks';
import { api, currentProject, ok, type Attempt } from '../api.ts';
import { statsKey, useStats } from '../live.ts';
import { Area, Json, Problem, Section, Status, useAction, useLoad, when } from '../ui.tsx';

function Attempts(props: { attempts: Attempt[] }) {
  if (props.attempts.length === 0) return <p class="muted">No attempt yet.</p>;
  return (
    <table class="attempts">
      <thead><tr><th>#</th><th>Outcome</th><th>Response</th><th>Time</th><th>Error</th><th>Endpoint</th><th>At</th></tr></thead>
      <tbody>
        {props.attempts.map((a) => (
          <tr key={a.id} data-outcome={a.outcome}>
            <td>{a.attemptNumber}</td>
            <td><Status status={a.outcome} /></td>
            <td><strong>{a.statusCode ?? '—'}</strong><details><summary>body</summary><Json value={a.responseBody || '(empty)'} /></details></td>
            <td>{a.durationMs} ms</td>
            <td>{a.errorCategory ? <><span class="category">{a.errorCategory}</span> {a.error}</> : '—'}</td>
            <td class="url">{a.url}</td>
            <td>{when(a.attemptedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** One event: what was sent, every attempt, and replay as it was or edited. */
export function EventPage(props: { id: string }) {
  const key = statsKey(useStats(currentProject()));
  const ev = useLoad(async () => ok(await api.GET('/api/v1/events/{id}', { params: { path: { id: props.id } } })), [props.id, key]);
  const [payload, setPayload] = useState('');
  const [headers, setHeaders] = useState('');
  const [replayed, setReplayed] = useState('');
  const a = useAction();
  const e = ev.data;
  useEffect(() => {
    if (e && payload === '') { setPayload(JSON.stringify(e.payload, null, 2)); setHeaders(JSON.stringify(e.headers, null, 2)); }
  }, [e, payload]);
  if (!e) return <main><Problem error={ev.error} /></main>;
  return (
    <main>
      <h1>Event <code>{e.id}</code></h1>
      <p><Status status={e.status} /> {e.eventType ?? e.destination} · {e.attempts}/{e.maxAttempts} attempts · created {when(e.createdAt)} · delivered {when(e.deliveredAt)}
        {e.idempotencyKey && <> · idempotency key <code>{e.idempotencyKey}</code></>}</p>
      <Section title="Attempts"><Attempts attempts={e.deliveryAttempts} /></Section>
      <Section title="Request headers">
        <p class="muted">The event's own headers; each attempt adds the endpoint's custom headers and the signature headers (X-Mittr-Signature, X-Mittr-Timestamp, X-Mittr-Event-ID, webhook-*).</p>
        <Json value={e.headers} />
      </Section>
      <Section title="Replay">
        <button type="button" disabled={a.busy} onClick={() => void a.run(async () => {
          ok(await api.POST('/api/v1/events/{id}/replay', { params: { path: { id: e.id } } }));
          setReplayed('Replayed as it was.'); ev.reload();
        })}>Replay</button>
        <form onSubmit={(f) => {
          f.preventDefault();
          void a.run(async () => {
            const body = { payload: JSON.parse(payload) as Record<string, unknown>, headers: JSON.parse(headers) as Record<string, string>, replay: true };
            ok(await api.PATCH('/api/v1/events/{id}', { params: { path: { id: e.id } }, body }));
            setReplayed('Edited and replayed.'); ev.reload();
          });
        }}>
          <Area label="Payload (JSON)" name="payload" value={payload} onInput={setPayload} rows={10} />
          <Area label="Headers (JSON)" name="headers" value={headers} onInput={setHeaders} rows={4} />
          <button type="submit" disabled={a.busy}>Edit and replay</button>
        </form>
        <Problem error={a.error} />
        {replayed && <p role="status">{replayed}</p>}
      </Section>
    </main>
  );
}
