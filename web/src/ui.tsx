import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';

/** Small pieces every page uses: labelled fields, errors, loading. */

let ids = 0;
export function Field(props: { label: string; value: string; onInput: (v: string) => void; type?: string; name?: string; required?: boolean; placeholder?: string }) {
  const [id] = useState(() => `f${++ids}`);
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input id={id} name={props.name} type={props.type ?? 'text'} value={props.value} required={props.required} placeholder={props.placeholder}
        onInput={(e) => props.onInput((e.target as HTMLInputElement).value)} />
    </div>
  );
}

export function Area(props: { label: string; value: string; onInput: (v: string) => void; rows?: number; name?: string; placeholder?: string }) {
  const [id] = useState(() => `f${++ids}`);
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <textarea id={id} name={props.name} rows={props.rows ?? 6} value={props.value} placeholder={props.placeholder} onInput={(e) => props.onInput((e.target as HTMLTextAreaElement).value)} />
    </div>
  );
}

export function Select(props: { label: string; value: string; options: readonly string[]; onChange: (v: string) => void; name?: string; blank?: string; labels?: Record<string, string> }) {
  const [id] = useState(() => `f${++ids}`);
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select id={id} name={props.name} value={props.value} onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}>
        {props.options.map((o) => <option key={o} value={o}>{props.labels?.[o] ?? (o || (props.blank ?? '(any)'))}</option>)}
      </select>
    </div>
  );
}

export function Check(props: { label: string; checked: boolean; onChange: (v: boolean) => void }) {
  const [id] = useState(() => `f${++ids}`);
  return (
    <div class="field check">
      <input id={id} type="checkbox" checked={props.checked} onChange={(e) => props.onChange((e.target as HTMLInputElement).checked)} />
      <label for={id}>{props.label}</label>
    </div>
  );
}

/** A value to hand on (a URL shown once): read-only, labelled, selected on focus, with a Copy button. */
export function Copyable(props: { label: string; value: string; testId?: string }) {
  const [id] = useState(() => `f${++ids}`);
  const [copied, setCopied] = useState(false);
  const copy = () => {
    (document.getElementById(id) as HTMLInputElement | null)?.select();
    // The clipboard needs a secure context and a permission; the selected field is the fallback.
    navigator.clipboard?.writeText(props.value).then(() => setCopied(true), () => setCopied(false));
  };
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <div class="toolbar">
        <input id={id} readOnly value={props.value} data-testid={props.testId} size={60} onFocus={(e) => (e.target as HTMLInputElement).select()} />
        <button type="button" onClick={copy}>{copied ? 'Copied' : 'Copy'}</button>
      </div>
    </div>
  );
}

export const Problem = (props: { error: unknown }) =>
  props.error ? <p class="error" role="alert">{props.error instanceof Error ? props.error.message : String(props.error)}</p> : null;

export const Status = (props: { status: string }) => <span class={`status status-${props.status}`} data-status={props.status}>{props.status}</span>;

export const Json = (props: { value: unknown }) => <pre class="json">{typeof props.value === 'string' ? props.value : JSON.stringify(props.value, null, 2)}</pre>;

export function Section(props: { title: string; children: ComponentChildren }) {
  return <section><h2>{props.title}</h2>{props.children}</section>;
}

/**
 * Loads `fn` now and whenever `deps` change; `reload` loads again. `settle` reloads a few times
 * over three seconds: lists are read models, projected from Kafka a moment after a change.
 */
export function useLoad<T>(fn: () => Promise<T>, deps: unknown[] = []): { data?: T; error?: unknown; reload: () => void; settle: () => void } {
  const [state, set] = useState<{ data?: T; error?: unknown }>({});
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    fn().then((data) => live && set({ data }), (error: unknown) => live && set((s) => ({ ...s, error })));
    return () => { live = false; };
  }, [...deps, n]);
  const reload = useCallback(() => setN((x) => x + 1), []);
  const settle = useCallback(() => { reload(); for (const ms of [400, 1200, 3000]) setTimeout(reload, ms); }, [reload]);
  return { ...state, reload, settle };
}

/** Runs an action, keeping its error for display; resolves to whether it succeeded. */
export function useAction(): { error: unknown; busy: boolean; run: (fn: () => Promise<unknown>) => Promise<boolean> } {
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const run = async (fn: () => Promise<unknown>) => {
    setBusy(true); setError(undefined);
    try { await fn(); return true; } catch (e) { setError(e); return false; } finally { setBusy(false); }
  };
  return { error, busy, run };
}

export const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');
