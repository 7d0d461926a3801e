import { useState } from 'preact/hooks';
import { api, ok, setProject, currentProject, type Paths } from '../api.ts';
import { Area, Check, Field, Problem, Section, Select, useAction, useLoad, when } from '../ui.tsx';

const ROLES = ['viewer', 'editor', 'admin'] as const;
type Role = (typeof ROLES)[number];
type Scope = NonNullable<NonNullable<Paths['/api/v1/api-keys']['post']['requestBody']>['content']['application/json']['scopes']>[number];

export function Team() {
  const team = useLoad(async () => ok(await api.GET('/api/v1/team')));
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const a = useAction();
  return (
    <main>
      <h1>Team</h1>
      <Problem error={team.error ?? a.error} />
      <table>
        <thead><tr><th>Member</th><th>Role</th><th /></tr></thead>
        <tbody>{(team.data?.data ?? []).map((m) => (
          <tr key={m.userId}><td>{m.email}</td>
            <td><Select label={`Role of ${m.email}`} value={m.role} options={ROLES} onChange={(r) => void a.run(async () => { ok(await api.PATCH('/api/v1/team/{userId}', { params: { path: { userId: m.userId } }, body: { role: r as Role } })); team.settle(); })} /></td>
            <td><button type="button" onClick={() => void a.run(async () => { ok(await api.DELETE('/api/v1/team/{userId}', { params: { path: { userId: m.userId } } })); team.settle(); })}>Remove</button></td></tr>
        ))}</tbody>
      </table>
      <Section title="Invitations">
        <ul>{(team.data?.invitations ?? []).map((i) => <li key={i.id}>{i.email} · {i.role} · {i.status} · until {when(i.expiresAt)}</li>)}</ul>
        <form onSubmit={(e) => { e.preventDefault(); void a.run(async () => { ok(await api.POST('/api/v1/team/invite', { body: { email, role } })); setEmail(''); team.settle(); }); }}>
          <Field label="E-mail to invite" type="email" value={email} onInput={setEmail} required />
          <Select label="Role" value={role} options={ROLES} onChange={(r) => setRole(r as Role)} />
          <button type="submit">Invite</button>
        </form>
      </Section>
    </main>
  );
}

export function ApiKeys() {
  const keys = useLoad(async () => ok(await api.GET('/api/v1/api-keys', { params: { query: { limit: 100 } } })).data);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState('*');
  const [created, setCreated] = useState('');
  const a = useAction();
  return (
    <main>
      <h1>API keys</h1>
      <Problem error={keys.error ?? a.error} />
      <table>
        <thead><tr><th>Name</th><th>Prefix</th><th>Scopes</th><th>Created</th><th /></tr></thead>
        <tbody>{(keys.data ?? []).map((k) => (
          <tr key={k.id}><td>{k.name}</td><td><code>{k.keyPrefix}</code></td><td>{k.scopes.join(' ')}</td><td>{when(k.createdAt)}</td>
            <td>{k.isActive ? <button type="button" onClick={() => void a.run(async () => { ok(await api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id: k.id } } })); keys.settle(); })}>Revoke</button> : 'revoked'}</td></tr>
        ))}</tbody>
      </table>
      <form onSubmit={(e) => { e.preventDefault(); void a.run(async () => {
        const k = ok(await api.POST('/api/v1/api-keys', { body: { name, scopes: scopes.split(/[\s,]+/).filter(Boolean) as Scope[] } }));
        setCreated(k.key); keys.settle();
      }); }}>
        <Field label="Key name" value={name} onInput={setName} required />
        <Field label="Scopes (space-separated, * for all)" value={scopes} onInput={setScopes} />
        <button type="submit">Create a key</button>
      </form>
      {created && <p role="status">New key, shown once: <code>{created}</code></p>}
    </main>
  );
}

const ENVIRONMENTS = ['development', 'staging', 'production'] as const;
export function Projects() {
  const projects = useLoad(async () => ok(await api.GET('/api/v1/projects')).data);
  const [name, setName] = useState('');
  const [env, setEnv] = useState<(typeof ENVIRONMENTS)[number]>('development');
  const [, tick] = useState(0);
  const a = useAction();
  return (
    <main>
      <h1>Projects</h1>
      <Problem error={projects.error ?? a.error} />
      <table>
        <thead><tr><th>Name</th><th>Environment</th><th>Shown</th><th /></tr></thead>
        <tbody>{(projects.data ?? []).map((p) => (
          <tr key={p.id}><td>{p.name}{p.isDefault && ' (default)'}</td><td>{p.environment}</td>
            <td>{currentProject() === p.id ? 'yes' : <button type="button" onClick={() => { setProject(p.id); sessionStorage.setItem('mittr.project', p.id); tick((n) => n + 1); }}>Show this project</button>}</td>
            <td>{!p.isDefault && <button type="button" onClick={() => void a.run(async () => { ok(await api.DELETE('/api/v1/projects/{id}', { params: { path: { id: p.id } } })); projects.settle(); })}>Delete</button>}</td></tr>
        ))}</tbody>
      </table>
      <form onSubmit={(e) => { e.preventDefault(); void a.run(async () => { ok(await api.POST('/api/v1/projects', { body: { name, environment: env } })); setName(''); projects.settle(); }); }}>
        <Field label="Project name" value={name} onInput={setName} required />
        <Select label="Environment" value={env} options={ENVIRONMENTS} onChange={(v) => setEnv(v as (typeof ENVIRONMENTS)[number])} />
        <button type="submit">Create a project</button>
      </form>
    </main>
  );
}

export function EventTypes() {
  const types = useLoad(async () => ok(await api.GET('/api/v1/event-types', { params: { query: { limit: 100 } } })).data);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [schema, setSchema] = useState('');
  const [deprecated, setDeprecated] = useState(false);
  const a = useAction();
  return (
    <main>
      <h1>Event types</h1>
      <Problem error={types.error ?? a.error} />
      <table>
        <thead><tr><th>Name</th><th>Description</th><th>Version</th><th>Schema</th><th /></tr></thead>
        <tbody>{(types.data ?? []).map((t) => (
          <tr key={t.id}><td>{t.name}{t.deprecated && ' (deprecated)'}</td><td>{t.description}</td><td>v{t.version}</td><td>{t.schema ? 'yes' : '—'}</td>
            <td><button type="button" onClick={() => void a.run(async () => { ok(await api.DELETE('/api/v1/event-types/{id}', { params: { path: { id: t.id } } })); types.settle(); })}>Delete</button></td></tr>
        ))}</tbody>
      </table>
      <form onSubmit={(e) => { e.preventDefault(); void a.run(async () => {
        ok(await api.POST('/api/v1/event-types', { body: { name, description, deprecated, ...(schema.trim() ? { schema: JSON.parse(schema) as Record<string, unknown> } : {}) } }));
        setName(''); setDescription(''); setSchema(''); types.settle();
      }); }}>
        <Field label="Event type name" value={name} onInput={setName} required />
        <Field label="Description" value={description} onInput={setDescription} />
        <Area label="JSON Schema (optional)" value={schema} onInput={setSchema} rows={4} />
        <Check label="Deprecated" checked={deprecated} onChange={setDeprecated} />
        <button type="submit">Create the event type</button>
      </form>
    </main>
  );
}
