import { useEffect, useState } from 'preact/hooks';
import { Link, match, navigate, usePath } from './router.tsx';
import { logOut, loadSession, type Session } from './session.ts';
import { AcceptInvite, ForgotPassword, Login, ResetPassword, Signup, VerifyEmail } from './pages/auth.tsx';
import { AlertPage, Alerts } from './pages/alerts.tsx';
import { AuditLog, Usage } from './pages/activity.tsx';
import { Analytics } from './pages/analytics.tsx';
import { Billing } from './pages/billing.tsx';
import { EventPage } from './pages/event.tsx';
import { Events } from './pages/events.tsx';
import { EndpointPage } from './pages/endpoint.tsx';
import { Endpoints, NewEndpoint } from './pages/endpoints.tsx';
import { ConnectorPage, Connectors } from './pages/connectors.tsx';
import { InboundEndpoints, InboundPage } from './pages/inbound.tsx';
import { Privacy } from './pages/privacy.tsx';
import { Sso } from './pages/sso.tsx';
import { SubAccountPage, SubAccounts } from './pages/sub-accounts.tsx';
import { Verifier } from './pages/verifier.tsx';
import { ApiKeys, EventTypes, Projects, Team } from './pages/workspace.tsx';
import { Portal } from './portal/portal.tsx';

const NAV: Array<[string, string]> = [
  ['/ui/events', 'Events'], ['/ui/endpoints', 'Endpoints'], ['/ui/analytics', 'Analytics'], ['/ui/event-types', 'Event types'], ['/ui/inbound', 'Inbound'], ['/ui/connectors', 'Connectors'], ['/ui/alerts', 'Alerts'],
  ['/ui/team', 'Team'], ['/ui/api-keys', 'API keys'], ['/ui/projects', 'Projects'], ['/ui/sub-accounts', 'Sub-accounts'], ['/ui/billing', 'Billing'], ['/ui/usage', 'Usage'], ['/ui/audit', 'Audit log'], ['/ui/sso', 'SSO'], ['/ui/privacy', 'Privacy'], ['/ui/verifier', 'Verifier'],
];

/** Pages that need no session: signing in, the mailed links' targets, and the verifier (it calls nothing). */
function PublicPage(props: { path: string; query: URLSearchParams; onSession: (s: Session) => void }) {
  const token = props.query.get('token') ?? '';
  switch (props.path) {
    case '/ui/signup': return <Signup onSession={props.onSession} />;
    case '/ui/forgot-password': return <ForgotPassword />;
    case '/reset-password': return <ResetPassword token={token} />;
    case '/verify-email': return <VerifyEmail token={token} />;
    case '/accept-invite': return <AcceptInvite token={token} />;
    default: return <Login onSession={props.onSession} />;
  }
}

function Page(props: { path: string }) {
  const p = props.path.replace(/\/+$/, '');
  const ev = match('/ui/events/:id', p);
  if (ev) return <EventPage id={ev.id!} />;
  if (p === '/ui/endpoints/new') return <NewEndpoint />;
  const ep = match('/ui/endpoints/:id', p);
  if (ep) return <EndpointPage id={ep.id!} />;
  const sa = match('/ui/sub-accounts/:id', p);
  if (sa) return <SubAccountPage id={sa.id!} />;
  const ib = match('/ui/inbound/:id', p);
  if (ib) return <InboundPage id={ib.id!} />;
  const cn = match('/ui/connectors/:id', p);
  if (cn) return <ConnectorPage id={cn.id!} />;
  const al = match('/ui/alerts/:id', p);
  if (al) return <AlertPage id={al.id!} />;
  switch (p) {
    case '/ui/endpoints': return <Endpoints />;
    case '/ui/sub-accounts': return <SubAccounts />;
    case '/ui/inbound': return <InboundEndpoints />;
    case '/ui/connectors': return <Connectors />;
    case '/ui/alerts': return <Alerts />;
    case '/ui/analytics': return <Analytics />;
    case '/ui/event-types': return <EventTypes />;
    case '/ui/team': return <Team />;
    case '/ui/api-keys': return <ApiKeys />;
    case '/ui/projects': return <Projects />;
    case '/ui/billing': return <Billing />;
    case '/ui/usage': return <Usage />;
    case '/ui/audit': return <AuditLog />;
    case '/ui/sso': return <Sso />;
    case '/ui/privacy': return <Privacy />;
    case '/ui/verifier': return <Verifier />;
    default: return <Events />;
  }
}

const PUBLIC = new Set(['/ui/login', '/ui/signup', '/ui/forgot-password', '/reset-password', '/verify-email', '/accept-invite']);

export function App() {
  const { path, query } = usePath();
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  useEffect(() => { loadSession().then((s) => setSession(s ?? null), () => setSession(null)); }, []);
  if (path.startsWith('/portal')) return <Portal />;
  if (PUBLIC.has(path) || (path === '/ui/verifier' && !session)) {
    return path === '/ui/verifier' ? <Verifier /> : <PublicPage path={path} query={query} onSession={setSession} />;
  }
  if (session === undefined) return <p class="muted">Loading…</p>;
  if (session === null) return <PublicPage path="/ui/login" query={query} onSession={setSession} />;
  return (
    <div class="shell">
      <header>
        <nav aria-label="Dashboard">
          <strong>mittr</strong>
          {NAV.map(([href, label]) => <Link key={href} href={href} class={path.startsWith(href) ? 'active' : ''}>{label}</Link>)}
          <span class="who">{session.user?.email ?? 'API key'} · {session.workspace.companyName} · {session.role}</span>
          <button type="button" onClick={() => void logOut().then(() => { setSession(null); navigate('/ui/login'); })}>Log out</button>
        </nav>
      </header>
      <Page path={path} />
    </div>
  );
}
