import { useEffect, useState } from 'preact/hooks';
import { api, currentProject, ok, type EventRow } from '../api.ts';
import { statsKey, useStats } from '../live.ts';
import { Link, navigate } from '../router.tsx';
import { Field, Problem, Select, Status, useAction, useLoad, when } from '../ui.tsx';

const STATUSES = ['', 'queued', 'delivering', 'delivered', 'failed', 'dead'] as const;
type StatusFilter = Exclude<(typeof STATUSES)[number], ''>;

/** An id (a UUID) is looked up; anything else matches the loaded events' ids and idempotency keys. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function Events() {
  const [status, setStatus] = useState('');
  const [search, setSearch] = useState('');
  const stats = useStats(currentProject());
  const key = statsKey(stats);
  const list = useLoad(async () => ok(await api.GET('/api/v1/events', { params: { query: { limit: 100, ...(status ? { status: status as StatusFilter } : {}) } } })).data, [status, key]);
  const found = useLoad(async () => (UUID.test(search.trim()) ? ok(await api.GET('/api/v1/events/{id}', { params: { path: { id: search.trim() } } })) : undefined), [search]);
  const retry = useAction();
  const [retried, setRetried] = useState('');
  const q = search.trim().toLowerCase();
  const rows: EventRow[] = (list.data ?? []).filter((e) => !q || e.id.toLowerCase().startsWith(q) || (e.idempotencyKey ?? '').toLowerCase().includes(q));
  if (found.data && !rows.some((r) => r.id === found.data!.id)) rows.unshift(found.data);
  useEffect(() => { setRetried(''); }, [status]);
  return (
    <main>
      <h1>Events</h1>
      {stats && (
        <p class="counts" aria-live="polite">
          {(['queued', 'delivering', 'delivered', 'failed', 'dead'] as const).map((s) => <span key={s}><Status status={s} /> {stats.events[s]} </span>)}
          <span class="muted">live, {new Date(stats.at).toLocaleTimeString()}</span>
        </p>
      )}
      <div class="toolbar">
        <Select label="Status" name="status" value={status} options={STATUSES} onChange={setStatus} />
        <Field label="Search by id or idempotency key" name="search" value={search} onInput={setSearch} />
        <button type="button" disabled={retry.busy} onClick={() => void retry.run(async () => {
          const r = ok(await api.POST('/api/v1/events/batch/retry', { body: { status: 'dead' } }));
          setRetried(`${r.retried} retried, ${r.skipped.length} skipped`);
          list.settle();
        })}>Retry the dead letter queue</button>
      </div>
      <Problem error={list.error ?? retry.error} />
      {retried && <p role="status">{retried}</p>}
      <table>
        <thead><tr><th>Event</th><th>Type</th><th>Status</th><th>Attempts</th><th>Idempotency key</th><th>Created</th></tr></thead>
        <tbody>
          {rows.map((e) => (
            <tr key={e.id} data-event-id={e.id} onClick={() => navigate(`/ui/events/${e.id}`)}>
              <td><Link href={`/ui/events/${e.id}`}>{e.id.slice(0, 8)}</Link></td>
              <td>{e.eventType ?? '—'}</td>
              <td><Status status={e.status} /></td>
              <td>{e.attempts}/{e.maxAttempts}</td>
              <td>{e.idempotencyKey ?? '—'}</td>
              <td>{when(e.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && <p class="muted">No events{status ? ` ${status}` : ''}. Send one with POST /api/v1/events.</p>}
    </main>
  );
}
