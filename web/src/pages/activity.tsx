import { useState } from 'preact/hooks';
import { api, ok } from '../api.ts';
import { Field, Problem, Section, useLoad, when } from '../ui.tsx';

const n = (v: number | null) => (v === null ? 'unlimited' : v.toLocaleString('en'));

/** Usage: the plan's limits, this month's messages against them, and the months before (GET /entitlements, /usage/history). */
export function Usage() {
  const ent = useLoad(async () => ok(await api.GET('/api/v1/entitlements')));
  const history = useLoad(async () => ok(await api.GET('/api/v1/usage/history', { params: { query: { months: 6 } } })).data);
  const e = ent.data;
  return (
    <main>
      <h1>Usage</h1>
      <Problem error={ent.error ?? history.error} />
      {e && (
        <dl>
          <dt>Plan</dt><dd>{e.plan}</dd>
          <dt>Messages this month ({e.usage.month})</dt><dd>{n(e.usage.messages)} of {n(e.limits.monthlyMessages)}</dd>
          <dt>Left this month</dt><dd>{n(e.usage.messagesRemaining)}</dd>
          <dt>Endpoint rate cap</dt><dd>{n(e.limits.endpointRateLimitPerSec)} per second</dd>
          <dt>Seats, projects, connectors</dt><dd>{n(e.limits.teamSeats)}, {n(e.limits.projects)}, {n(e.limits.connectors)}</dd>
        </dl>
      )}
      <Section title="By month">
        <table>
          <thead><tr><th>Month</th><th>Messages</th><th>Delivery attempts</th><th>Limit</th></tr></thead>
          <tbody>{(history.data ?? []).map((m) => (
            <tr key={m.month}><td>{m.month}</td><td>{n(m.messages)}</td><td>{n(m.deliveryAttempts)}</td><td>{n(m.limit.monthlyMessages)}</td></tr>
          ))}</tbody>
        </table>
      </Section>
    </main>
  );
}

/** The audit log: who changed what, when, newest first, narrowed by resource or action, a page at a time. */
export function AuditLog() {
  const [resource, setResource] = useState('');
  const [action, setAction] = useState('');
  const [filter, setFilter] = useState({ resource: '', action: '' });
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const page = useLoad(async () => ok(await api.GET('/api/v1/audit-logs', { params: { query: {
    limit: 50, ...(filter.resource ? { resource: filter.resource } : {}), ...(filter.action ? { action: filter.action } : {}), ...(cursor ? { cursor } : {}),
  } } })), [filter.resource, filter.action, cursor]);
  return (
    <main>
      <h1>Audit log</h1>
      <Problem error={page.error} />
      <form onSubmit={(e) => { e.preventDefault(); setCursors([]); setFilter({ resource: resource.trim(), action: action.trim() }); }}>
        <Field label="Resource (endpoint, api_key, subscription, ...)" value={resource} onInput={setResource} />
        <Field label="Action (endpoint.updated, ...)" value={action} onInput={setAction} />
        <button type="submit">Filter</button>
      </form>
      <table>
        <thead><tr><th>When</th><th>Action</th><th>Resource</th><th>Who</th><th>Change</th></tr></thead>
        <tbody>{(page.data?.data ?? []).map((l) => (
          <tr key={l.id} data-action={l.action}>
            <td>{when(l.at)}</td><td>{l.action}</td><td><code>{l.resourceId}</code></td>
            <td>{l.actor ? `${l.actor.type}${l.actor.id ? ` ${l.actor.id}` : ''}${l.actor.address ? ` from ${l.actor.address}` : ''}` : 'unknown'}</td>
            <td>{l.after === null || l.after === undefined ? '' : <details><summary>after</summary><pre>{JSON.stringify(l.after, null, 2)}</pre></details>}</td>
          </tr>
        ))}</tbody>
      </table>
      {cursors.length > 0 && <button type="button" onClick={() => setCursors(cursors.slice(0, -1))}>Newer</button>}
      {page.data?.pagination.hasMore && page.data.pagination.cursor && (
        <button type="button" onClick={() => setCursors([...cursors, page.data!.pagination.cursor!])}>Older</button>
      )}
    </main>
  );
}
