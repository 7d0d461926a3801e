import { useState } from 'preact/hooks';
import { api, ok, type Answer } from '../api.ts';
import { Field, Problem, Section, useAction, useLoad, when } from '../ui.tsx';

type Erased = Answer<'/api/v1/gdpr/data', 'delete', 202>;

/** GDPR: everything the workspace owns as one JSON download, and its erasure, confirmed by typing its name. Admins only. */
export function Privacy() {
  const session = useLoad(async () => ok(await api.GET('/auth/session')));
  const [confirm, setConfirm] = useState('');
  const [erased, setErased] = useState<Erased | null>(null);
  const a = useAction();
  const w = session.data?.workspace;
  const confirmed = w !== undefined && (confirm === w.companyName || confirm === w.id);
  return (
    <main>
      <h1>Data and privacy</h1>
      <Problem error={session.error} />
      <Section title="Export">
        <p>Everything the workspace owns, as one JSON document: the account, members, projects, endpoints and their versions, events with every attempt, inbound requests, connectors and alert rules (credentials masked), and the audit log.</p>
        {/* A plain link: the session cookie authenticates it, and the answer is an attachment the browser saves. */}
        <a class="button" href="/api/v1/gdpr/export" download>Download the export</a>
      </Section>
      <Section title="Erase the workspace">
        {erased ? (
          <div role="status">
            <p>Erased at {when(erased.erasedAt)}: its keys and sessions no longer work, and its data is purged within seconds.</p>
            <p><a href="/ui/login">Go to the login page</a></p>
          </div>
        ) : (
          <form onSubmit={(e) => { e.preventDefault(); if (confirmed) void a.run(async () => setErased(ok(await api.DELETE('/api/v1/gdpr/data', { body: { confirm } })))); }}>
            <p>Everything, for ever: the workspace's data key is destroyed, then every record of it is deleted. This cannot be undone.</p>
            <Field label={`Type the workspace's name (${w?.companyName ?? '…'}) to confirm`} value={confirm} onInput={setConfirm} required />
            <button type="submit" disabled={!confirmed || a.busy}>Erase the workspace for ever</button>
            <Problem error={a.error} />
          </form>
        )}
      </Section>
    </main>
  );
}
