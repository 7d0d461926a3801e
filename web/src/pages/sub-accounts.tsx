import { useState } from 'preact/hooks';
import { api, ok, type Answer, type Paths } from '../api.ts';
import { Link, navigate } from '../router.tsx';
import { Area, Field, Problem, Section, Status, useAction, useLoad, when } from '../ui.tsx';
import { PortalSessions } from './portal-sessions.tsx';

type SubAccount = Answer<'/api/v1/sub-accounts/{id}', 'get'>;
type Body = NonNullable<Paths['/api/v1/sub-accounts/{id}']['patch']['requestBody']>['content']['application/json'];
type Theme = NonNullable<Body['portalTheme']>;
const path = (id: string) => ({ params: { path: { id } } });

/** The form's text for each field; the API's shape is made from it on submit. */
type Values = { name: string; subID: string; metadata: string; origins: string; primaryColor: string; accentColor: string; logoUrl: string; mode: string; fontFamily: string };
const THEME_KEYS = ['primaryColor', 'accentColor', 'logoUrl', 'mode', 'fontFamily'] as const;

function toValues(s?: SubAccount): Values {
  const t = s?.portalTheme;
  return {
    name: s?.name ?? '', subID: s?.subID ?? '', metadata: s ? JSON.stringify(s.metadata, null, 2) : '{}', origins: s?.allowedOrigins.join(', ') ?? '',
    primaryColor: t?.primaryColor ?? '', accentColor: t?.accentColor ?? '', logoUrl: t?.logoUrl ?? '', mode: t?.mode ?? '', fontFamily: t?.fontFamily ?? '',
  };
}

/** An empty theme is no theme (null: mittr's own look); otherwise the whole object, blanks unset (the API replaces it whole). */
function toBody(v: Values): Required<Pick<Body, 'name' | 'subID' | 'metadata' | 'allowedOrigins' | 'portalTheme'>> {
  let metadata: Record<string, unknown>;
  try { metadata = JSON.parse(v.metadata.trim() || '{}') as Record<string, unknown>; } catch { throw new Error('Metadata is not JSON: it must be an object, e.g. {"plan": "pro"}'); }
  const theme: Theme = {};
  for (const k of THEME_KEYS) if (v[k].trim()) (theme as Record<string, string>)[k] = v[k].trim();
  return {
    name: v.name.trim(), subID: v.subID.trim(), metadata,
    allowedOrigins: v.origins.split(/[\s,]+/).filter(Boolean),
    portalTheme: Object.keys(theme).length ? theme : null,
  };
}

function SubAccountForm(props: { sub?: SubAccount; submit: string; onSubmit: (body: ReturnType<typeof toBody>) => Promise<void> }) {
  const [v, setV] = useState<Values>(() => toValues(props.sub));
  const set = (k: keyof Values) => (x: string) => setV((o) => ({ ...o, [k]: x }));
  const a = useAction();
  return (
    <form onSubmit={(e) => { e.preventDefault(); void a.run(() => props.onSubmit(toBody(v))); }}>
      <Field label="Name" value={v.name} onInput={set('name')} required />
      <Field label="Sub-account ID (yours, unique in the project)" value={v.subID} onInput={set('subID')} required />
      <Area label="Metadata (JSON object)" value={v.metadata} onInput={set('metadata')} rows={3} />
      <Field label="Allowed origins (may embed the portal; comma-separated)" value={v.origins} onInput={set('origins')} placeholder="https://app.example.com" />
      <fieldset>
        <legend>Portal theme (empty: mittr's own look)</legend>
        <Field label="Primary colour (hex)" value={v.primaryColor} onInput={set('primaryColor')} placeholder="#0a7f5a" />
        <Field label="Accent colour (hex)" value={v.accentColor} onInput={set('accentColor')} placeholder="#ff0066" />
        <Field label="Logo URL (https, or a path on mittr)" value={v.logoUrl} onInput={set('logoUrl')} />
        <div class="field">
          <span id="theme-mode">Mode</span>
          {/* Radios, not a select: three short choices, and "unset" is one of them. */}
          <div role="radiogroup" aria-labelledby="theme-mode" class="toolbar">
            {(['', 'light', 'dark'] as const).map((m) => (
              <label key={m}><input type="radio" name="theme-mode" value={m} checked={v.mode === m} onChange={() => set('mode')(m)} /> {m || 'default'}</label>
            ))}
          </div>
        </div>
        <Field label="Font family" value={v.fontFamily} onInput={set('fontFamily')} placeholder="Inter, sans-serif" />
      </fieldset>
      <button type="submit" disabled={a.busy}>{props.submit}</button>
      <Problem error={a.error} />
    </form>
  );
}

/** Sub-accounts: the customers whose endpoints mittr hosts, each with an embeddable portal. */
export function SubAccounts() {
  const list = useLoad(async () => ok(await api.GET('/api/v1/sub-accounts', { params: { query: { limit: 100 } } })).data);
  return (
    <main>
      <h1>Sub-accounts</h1>
      <Problem error={list.error} />
      <table>
        <thead><tr><th>Name</th><th>Sub-account ID</th><th>Allowed origins</th><th>Status</th><th>Created</th></tr></thead>
        <tbody>{(list.data ?? []).map((s) => (
          <tr key={s.id} data-sub-account-id={s.id}>
            <td><Link href={`/ui/sub-accounts/${s.id}`}>{s.name}</Link></td><td><code>{s.subID}</code></td>
            <td>{s.allowedOrigins.join(', ') || '—'}</td><td><Status status={s.status} /></td><td>{when(s.createdAt)}</td>
          </tr>
        ))}</tbody>
      </table>
      <Section title="New sub-account">
        <SubAccountForm submit="Create the sub-account" onSubmit={async (body) => {
          const s = ok(await api.POST('/api/v1/sub-accounts', { body }));
          navigate(`/ui/sub-accounts/${s.id}`);
        }} />
      </Section>
    </main>
  );
}

export function SubAccountPage(props: { id: string }) {
  const sub = useLoad(async () => ok(await api.GET('/api/v1/sub-accounts/{id}', path(props.id))), [props.id]);
  const a = useAction();
  const s = sub.data;
  if (!s) return <main><Problem error={sub.error} /></main>;
  const active = s.status === 'active';
  return (
    <main>
      <h1>Sub-account {s.name}</h1>
      <p><Status status={s.status} /> <code>{s.id}</code> · v{s.version} · updated {when(s.updatedAt)}</p>
      <p><Link href="/ui/sub-accounts">All sub-accounts</Link></p>
      <Problem error={a.error} />
      {active && <PortalSessions id={s.id} origins={s.allowedOrigins} />}
      <Section title="Settings">
        <SubAccountForm key={s.version} sub={s} submit="Save" onSubmit={async (body) => {
          ok(await api.PATCH('/api/v1/sub-accounts/{id}', { params: { path: { id: s.id } }, body }));
          sub.reload();
        }} />
      </Section>
      {active && (
        <Section title="Deactivate">
          <p class="muted">Events, endpoints and portal sessions for it are refused from then on; its history stays readable.</p>
          <button type="button" onClick={() => void a.run(async () => {
            if (!confirm(`Deactivate ${s.name}?`)) return;
            ok(await api.DELETE('/api/v1/sub-accounts/{id}', path(s.id)));
            sub.reload();
          })}>Deactivate the sub-account</button>
        </Section>
      )}
    </main>
  );
}
