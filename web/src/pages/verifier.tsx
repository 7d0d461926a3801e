import { useState } from 'preact/hooks';
import { diagnose, type Diagnosis } from '../verifier/diagnose.ts';
import { Area, Field, Problem, useAction } from '../ui.tsx';

/**
 * The signature verifier: headers, body and secret pasted here are checked in this page with
 * WebCrypto and never sent anywhere (no request is made).
 */
export function Verifier() {
  const [headers, setHeaders] = useState('');
  const [body, setBody] = useState('');
  const [secret, setSecret] = useState('');
  const [other, setOther] = useState('');
  const [result, setResult] = useState<Diagnosis | undefined>();
  const a = useAction();
  return (
    <main>
      <h1>Signature verifier</h1>
      <p class="muted">Everything pasted here stays in this page: the check runs in your browser (WebCrypto), nothing is sent.</p>
      <form onSubmit={(e) => {
        e.preventDefault();
        void a.run(async () => setResult(await diagnose({ headers, body, secret, otherSecrets: other ? [other.trim()] : [], nowSec: Math.floor(Date.now() / 1000) })));
      }}>
        <Area label="Headers (Name: value lines, or JSON)" name="headers" value={headers} onInput={setHeaders} rows={7} />
        <Area label="Raw body" name="body" value={body} onInput={setBody} rows={7} />
        <Field label="Secret" name="secret" value={secret} onInput={setSecret} required />
        <Field label="The endpoint's other secret, if rotated (optional)" name="otherSecret" value={other} onInput={setOther} />
        <button type="submit" disabled={a.busy}>Verify</button>
      </form>
      <Problem error={a.error} />
      {result && (
        <div class={`verdict ${result.valid ? 'good' : 'bad'}`} role="status" data-reason={result.reason}>
          <strong>{result.valid ? 'Match' : 'No match'}</strong> <code>{result.reason}</code>
          <p>{result.message}</p>
        </div>
      )}
    </main>
  );
}
