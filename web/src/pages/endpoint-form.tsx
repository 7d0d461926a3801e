import { useState } from 'preact/hooks';
import type { Endpoint, EndpointBody } from '../api.ts';
import { Area, Check, Field, Problem, Select, useAction } from '../ui.tsx';

/** Every field of an endpoint, and how it is edited: as text, a number, a flag, a comma list, JSON or a text block. */
type Kind = 'text' | 'number' | 'bool' | 'list' | 'json' | 'area' | 'mode';
const FIELDS: Array<[keyof EndpointBody & string, string, Kind]> = [
  ['url', 'URL', 'text'], ['eventTypes', 'Event types (comma-separated, * wildcards)', 'list'], ['description', 'Description', 'text'],
  ['deliveryMode', 'Delivery mode', 'mode'], ['filter', 'Filter rules (JSON array of {field, operator, value})', 'json'],
  ['transformation', 'Transformation (JavaScript)', 'area'], ['fifo', 'FIFO (in order, one at a time)', 'bool'], ['fifoPartitionKey', 'FIFO partition key (JSONPath)', 'text'],
  ['maxRetries', 'Max retries', 'number'], ['retryBackoffMs', 'Retry backoff (ms)', 'number'], ['retryBackoffMax', 'Retry backoff max (ms)', 'number'],
  ['retryBackoffMult', 'Retry backoff multiplier', 'number'], ['timeoutMs', 'Timeout (ms)', 'number'], ['rateLimitPerSec', 'Rate limit (per second, 0: none)', 'number'],
  ['circuitThreshold', 'Circuit breaker threshold (0: off)', 'number'], ['circuitResetMs', 'Circuit reset (ms)', 'number'],
  ['customHeaders', 'Custom headers (JSON object)', 'json'], ['allowedCidrs', 'Allowed CIDRs (comma-separated)', 'list'], ['blockedCidrs', 'Blocked CIDRs (comma-separated)', 'list'],
  ['storageConfig', 'Storage config (JSON, for deliveryMode storage)', 'json'], ['signingSecret', 'Signing secret (empty: the workspace\'s)', 'text'],
  ['mtlsCert', 'mTLS client certificate (PEM)', 'area'], ['mtlsKey', 'mTLS client key (PEM)', 'area'],
];

type Values = Record<string, string | boolean>;

function toValues(e: Partial<Endpoint> | undefined): Values {
  const out: Values = {};
  for (const [name, , kind] of FIELDS) {
    const v = (e as Record<string, unknown> | undefined)?.[name];
    if (kind === 'bool') out[name] = Boolean(v);
    else if (kind === 'list') out[name] = Array.isArray(v) ? v.join(', ') : '';
    else if (kind === 'json') out[name] = v === undefined || v === null ? '' : JSON.stringify(v);
    else out[name] = v === undefined || v === null ? '' : String(v);
  }
  if (!out.deliveryMode) out.deliveryMode = 'push';
  return out;
}

function parse(kind: Kind, v: string | boolean): unknown {
  if (kind === 'bool') return v;
  const s = String(v).trim();
  if (kind === 'number') return Number(s);
  if (kind === 'list') return s ? s.split(',').map((x) => x.trim()).filter(Boolean) : [];
  if (kind === 'json') return s ? JSON.parse(s) : null;
  if (kind === 'area' || kind === 'text') return s === '' ? null : s;
  return s;
}

/** The body: every field changed from `initial` (all set ones for a new endpoint). */
export function bodyOf(values: Values, initial: Values, creating: boolean): EndpointBody {
  const body: Record<string, unknown> = {};
  for (const [name, , kind] of FIELDS) {
    if (values[name] === initial[name]) continue;
    const v = parse(kind, values[name]!);
    if (creating && (v === null || (kind === 'number' && values[name] === ''))) continue;
    if (v === null && ['url', 'description', 'signingSecret', 'mtlsCert', 'mtlsKey', 'deliveryMode'].includes(name)) continue;
    body[name] = v;
  }
  return body as EndpointBody;
}

export function EndpointForm(props: { endpoint?: Endpoint; submit: string; onSubmit: (body: EndpointBody) => Promise<unknown> }) {
  const [initial] = useState(() => toValues(props.endpoint));
  const [values, setValues] = useState<Values>(initial);
  const a = useAction();
  const set = (name: string) => (v: string | boolean) => setValues((x) => ({ ...x, [name]: v }));
  return (
    <form class="endpoint-form" onSubmit={(e) => { e.preventDefault(); void a.run(() => props.onSubmit(bodyOf(values, initial, !props.endpoint))); }}>
      {FIELDS.map(([name, label, kind]) => {
        const v = values[name]!;
        if (kind === 'bool') return <Check key={name} label={label} checked={Boolean(v)} onChange={set(name)} />;
        if (kind === 'mode') return <Select key={name} label={label} name={name} value={String(v)} options={['push', 'poll', 'storage']} onChange={set(name)} />;
        if (kind === 'area') return <Area key={name} label={label} name={name} value={String(v)} onInput={set(name)} rows={3} />;
        return <Field key={name} label={label} name={name} value={String(v)} onInput={set(name)} />;
      })}
      <Problem error={a.error} />
      <button type="submit" disabled={a.busy}>{props.submit}</button>
    </form>
  );
}
