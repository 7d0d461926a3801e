import { useState } from 'preact/hooks';
import { api, ok, type Answer } from '../api.ts';
import { Link, navigate } from '../router.tsx';
import { Problem, Section, Status, useAction, useLoad, when } from '../ui.tsx';
import { AlertForm, type Rule } from './alert-form.tsx';

type Evaluation = Answer<'/api/v1/alerting/evaluate', 'post'>['data'];
const path = (id: string) => ({ params: { path: { id } } });
const condition = (r: Rule) => `${r.condition.metric}${r.condition.percentile ? ` p${r.condition.percentile}` : ''} ${r.condition.operator} ${r.condition.value} over ${r.condition.window}`;

/** Firings and resolutions, newest first: the project's, or one rule's. */
function History(props: { ruleId?: string }) {
  const h = useLoad(async () => ok(await api.GET('/api/v1/alerting/history', { params: { query: { limit: 100, ...(props.ruleId ? { ruleId: props.ruleId } : {}) } } })).data, [props.ruleId]);
  return (
    <Section title="History">
      <button type="button" onClick={h.reload}>Refresh the history</button>
      <Problem error={h.error} />
      {(h.data?.length ?? 0) === 0 ? <p class="muted">No firings yet.</p> : (
        <table>
          <thead><tr><th>At</th><th>Rule</th><th>State</th><th>Value</th><th>Threshold</th><th>Severity</th></tr></thead>
          <tbody>{h.data!.map((x) => (
            <tr key={x.id} data-alert-state={x.state}>
              <td>{when(x.at)}</td><td><Link href={`/ui/alerts/${x.ruleId}`}>{x.ruleName}</Link></td>
              <td><Status status={x.state === 'fired' ? 'failure' : 'success'} /> {x.state}</td>
              <td>{x.value ?? '—'}</td><td>{x.metric} {x.operator} {x.threshold}</td><td>{x.severity}</td>
            </tr>
          ))}</tbody>
        </table>
      )}
    </Section>
  );
}

/** Each rule's value now and whether it would fire: POST /alerting/evaluate changes nothing. */
function EvaluateNow() {
  const [rows, setRows] = useState<Evaluation | null>(null);
  const a = useAction();
  return (
    <Section title="Evaluate now">
      <button type="button" onClick={() => void a.run(async () => setRows(ok(await api.POST('/api/v1/alerting/evaluate')).data))}>Evaluate the rules now</button>
      <Problem error={a.error} />
      {rows && (
        <table>
          <caption>Values over each rule's window now (rates in percent)</caption>
          <thead><tr><th>Rule</th><th>Value</th><th>Threshold</th><th>Condition met</th><th>Status</th><th>Would notify</th></tr></thead>
          <tbody>{rows.map((r) => (
            <tr key={r.ruleId} data-evaluated={r.ruleId}>
              <td>{r.name}{!r.enabled && ' (disabled)'}</td><td>{r.value ?? 'no deliveries'}</td><td>{r.metric} {r.operator} {r.threshold}</td>
              <td>{r.conditionMet ? 'yes' : 'no'}</td><td>{r.status}</td><td>{r.wouldFire ? 'yes' : 'no'}</td>
            </tr>
          ))}</tbody>
        </table>
      )}
    </Section>
  );
}

export function Alerts() {
  const list = useLoad(async () => ok(await api.GET('/api/v1/alerting/rules', { params: { query: { limit: 100 } } })).data);
  return (
    <main>
      <h1>Alert rules</h1>
      <Problem error={list.error} />
      <table>
        <thead><tr><th>Name</th><th>Condition</th><th>Severity</th><th>Notify</th><th>Enabled</th></tr></thead>
        <tbody>{(list.data ?? []).map((r) => (
          <tr key={r.id} data-rule-id={r.id}>
            <td><Link href={`/ui/alerts/${r.id}`}>{r.name}</Link></td><td>{condition(r)}</td><td>{r.severity}</td><td>{String(r.action.type)}</td>
            <td><Status status={r.enabled ? 'active' : 'paused'} /></td>
          </tr>
        ))}</tbody>
      </table>
      <EvaluateNow />
      <History />
      <Section title="New alert rule">
        <AlertForm submit="Create the alert rule" onSubmit={async (body) => {
          const r = ok(await api.POST('/api/v1/alerting/rules', { body }));
          navigate(`/ui/alerts/${r.id}`);
        }} />
      </Section>
    </main>
  );
}

export function AlertPage(props: { id: string }) {
  const rule = useLoad(async () => ok(await api.GET('/api/v1/alerting/rules/{id}', path(props.id))), [props.id]);
  const a = useAction();
  const r = rule.data;
  if (!r) return <main><Problem error={rule.error} /></main>;
  const toggle = r.enabled ? '/api/v1/alerting/rules/{id}/disable' as const : '/api/v1/alerting/rules/{id}/enable' as const;
  return (
    <main>
      <h1>Alert rule {r.name}</h1>
      <p><Status status={r.enabled ? 'active' : 'paused'} /> {condition(r)} · {r.severity} · v{r.version} · updated {when(r.updatedAt)}</p>
      <p><Link href="/ui/alerts">All alert rules</Link></p>
      <button type="button" onClick={() => void a.run(async () => { ok(await api.POST(toggle, path(r.id))); rule.reload(); })}>{r.enabled ? 'Disable' : 'Enable'} the rule</button>
      <Problem error={a.error} />
      <History ruleId={r.id} />
      <Section title="Settings">
        <AlertForm key={r.version} rule={r} submit="Save" onSubmit={async (body) => {
          ok(await api.PUT('/api/v1/alerting/rules/{id}', { params: { path: { id: r.id } }, body }));
          rule.reload();
        }} />
      </Section>
      <Section title="Delete">
        <button type="button" onClick={() => void a.run(async () => {
          if (!confirm(`Delete the alert rule ${r.name}?`)) return;
          ok(await api.DELETE('/api/v1/alerting/rules/{id}', path(r.id)));
          navigate('/ui/alerts');
        })}>Delete the alert rule</button>
      </Section>
    </main>
  );
}
