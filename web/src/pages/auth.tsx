import { useState } from 'preact/hooks';
import { api, ok } from '../api.ts';
import { Link, navigate } from '../router.tsx';
import { logIn, type Session } from '../session.ts';
import { Field, Problem, useAction, useLoad } from '../ui.tsx';

type Done = (s: Session) => void;

export function Login(props: { onSession: Done }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const a = useAction();
  return (
    <main class="narrow">
      <h1>Log in to mittr</h1>
      <form onSubmit={(e) => { e.preventDefault(); void a.run(async () => { props.onSession(await logIn(email, password)); navigate('/ui/events'); }); }}>
        <Field label="E-mail" type="email" name="email" value={email} onInput={setEmail} required />
        <Field label="Password" type="password" name="password" value={password} onInput={setPassword} required />
        <Problem error={a.error} />
        <button type="submit" disabled={a.busy}>Log in</button>
      </form>
      <p><Link href="/ui/signup">Create a workspace</Link> · <Link href="/ui/forgot-password">Forgot your password?</Link></p>
    </main>
  );
}

export function Signup(props: { onSession: Done }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [companyName, setCompany] = useState('');
  const [created, setCreated] = useState<{ apiKey: string } | undefined>();
  const a = useAction();
  if (created) {
    return (
      <main class="narrow">
        <h1>Your workspace is ready</h1>
        <p>Your API key, shown once: keep it somewhere safe.</p>
        <pre class="secret" data-testid="api-key">{created.apiKey}</pre>
        <button type="button" onClick={() => navigate('/ui/events')}>Go to the dashboard</button>
      </main>
    );
  }
  return (
    <main class="narrow">
      <h1>Create a workspace</h1>
      <form onSubmit={(e) => {
        e.preventDefault();
        void a.run(async () => {
          const r = ok(await api.POST('/auth/signup', { body: { email, password, companyName } }));
          props.onSession(await logIn(email, password));
          setCreated({ apiKey: r.apiKey });
        });
      }}>
        <Field label="Company name" name="companyName" value={companyName} onInput={setCompany} required />
        <Field label="E-mail" type="email" name="email" value={email} onInput={setEmail} required />
        <Field label="Password" type="password" name="password" value={password} onInput={setPassword} required />
        <Problem error={a.error} />
        <button type="submit" disabled={a.busy}>Sign up</button>
      </form>
      <p><Link href="/ui/login">I have an account</Link></p>
    </main>
  );
}

export function ForgotPassword() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState('');
  const a = useAction();
  return (
    <main class="narrow">
      <h1>Reset your password</h1>
      <form onSubmit={(e) => { e.preventDefault(); void a.run(async () => setSent(ok(await api.POST('/auth/forgot-password', { body: { email } })).message)); }}>
        <Field label="E-mail" type="email" value={email} onInput={setEmail} required />
        <Problem error={a.error} />
        <button type="submit" disabled={a.busy}>Mail me a link</button>
      </form>
      {sent && <p role="status">{sent}</p>}
    </main>
  );
}

/** /reset-password?token=…, the mailed link's target. */
export function ResetPassword(props: { token: string }) {
  const [password, setPassword] = useState('');
  const [done, setDone] = useState(false);
  const a = useAction();
  return (
    <main class="narrow">
      <h1>Choose a new password</h1>
      {done ? <p role="status">Your password is changed. <Link href="/ui/login">Log in</Link></p> : (
        <form onSubmit={(e) => { e.preventDefault(); void a.run(async () => { ok(await api.POST('/auth/reset-password', { body: { token: props.token, newPassword: password } })); setDone(true); }); }}>
          <Field label="New password" type="password" value={password} onInput={setPassword} required />
          <Problem error={a.error} />
          <button type="submit" disabled={a.busy}>Set the password</button>
        </form>
      )}
    </main>
  );
}

/** /verify-email?token=…: confirms on opening. */
export function VerifyEmail(props: { token: string }) {
  const r = useLoad(async () => ok(await api.POST('/auth/verify-email', { body: { token: props.token } })), [props.token]);
  return (
    <main class="narrow">
      <h1>E-mail address</h1>
      {r.data ? <p role="status">Your e-mail address is confirmed. <Link href="/ui/events">Open the dashboard</Link></p> : <Problem error={r.error} />}
    </main>
  );
}

/** /accept-invite?token=…: what the invitation offers, then a name and password to join. */
export function AcceptInvite(props: { token: string }) {
  const invite = useLoad(async () => ok(await api.GET('/auth/invite-status', { params: { query: { token: props.token } } })), [props.token]);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const a = useAction();
  const i = invite.data;
  return (
    <main class="narrow">
      <h1>Join a workspace</h1>
      <Problem error={invite.error} />
      {i && (
        <form onSubmit={(e) => { e.preventDefault(); void a.run(async () => { ok(await api.POST('/auth/accept-invite', { body: { token: props.token, name, password } })); location.assign('/ui/events'); }); }}>
          <p>{i.email} is invited to <strong>{i.workspace.companyName}</strong> as {i.role}.</p>
          <Field label="Your name" value={name} onInput={setName} required />
          <Field label={i.hasLogin ? 'Your password' : 'Choose a password'} type="password" value={password} onInput={setPassword} required />
          <Problem error={a.error} />
          <button type="submit" disabled={a.busy}>Accept the invitation</button>
        </form>
      )}
    </main>
  );
}
