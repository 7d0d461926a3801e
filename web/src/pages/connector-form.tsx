import { useState } from 'preact/hooks';
import type { Answer, Paths } from '../api.ts';
import { Area, Check, Field, Problem, Select, useAction } from '../ui.tsx';
import { ConfigInputs, fieldText, fieldValue } from './config-fields.tsx';

export type Connector = Answer<'/api/v1/connectors/{nameOrId}', 'get'>;
export type ConnectorType = Answer<'/api/v1/connectors/types', 'get'>['data'][number];
export type ConnectorBody = NonNullable<Paths['/api/v1/connectors']['post']['requestBody']>['content']['application/json'];
const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
type Severity = (typeof SEVERITIES)[number];

type Values = { type: string; name: string; description: string; eventTypes: string; categories: string; filter: string; severities: string[]; active: boolean; config: Record<string, string>; template: Record<string, string> };

function toValues(c: Connector | undefined, t: ConnectorType | undefined): Values {
  const config: Record<string, string> = {};
  for (const f of [...(t?.required ?? []), ...(t?.optional ?? [])]) config[f.name] = fieldText(f, c?.config[f.name]);
  const template = Object.fromEntries(Object.entries((c?.template ?? {}) as Record<string, string | null>).map(([k, v]) => [k, v ?? '']));
  return {
    type: t?.type ?? '', name: c?.name ?? '', description: c?.description ?? '', eventTypes: c?.eventTypes.join(', ') ?? '', categories: c?.categories.join(', ') ?? '',
    filter: c?.filter ? JSON.stringify(c.filter) : '', severities: c?.severity_filter ?? ['high', 'critical'], active: c?.is_active ?? true, config, template,
  };
}

const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

/** The API's body: blank config fields are left out (a change merges them over the stored ones), blank template fields keep the type's default. */
function toBody(v: Values, t: ConnectorType, editing: boolean): ConnectorBody {
  const config: Record<string, unknown> = {};
  for (const f of [...t.required, ...t.optional]) {
    const x = fieldValue(f, v.config[f.name] ?? '');
    if (x !== undefined) config[f.name] = x;
  }
  const template: Record<string, string | null> = {};
  for (const k of Object.keys(t.defaultTemplate)) {
    const x = (v.template[k] ?? '').trim();
    if (x) template[k] = x; else if (editing) template[k] = null;
  }
  let filter: ConnectorBody['filter'] = null;
  try { if (v.filter.trim()) filter = JSON.parse(v.filter) as ConnectorBody['filter']; } catch { throw new Error('The filter must be a JSON array of {field, operator, value}'); }
  return {
    name: v.name.trim(), ...(editing ? {} : { type: t.type as ConnectorBody['type'] }), description: v.description, config, template,
    eventTypes: list(v.eventTypes), categories: list(v.categories), filter, severity_filter: v.severities as Severity[], is_active: v.active,
  };
}

/** Create or edit a connector: its type's config fields, templates, and what it receives. */
export function ConnectorForm(props: { types: ConnectorType[]; connector?: Connector; submit: string; onSubmit: (body: ConnectorBody) => Promise<void> }) {
  const initial = props.types.find((t) => t.type === (props.connector?.type ?? 'slack')) ?? props.types[0];
  const [v, setV] = useState<Values>(() => toValues(props.connector, initial));
  const t = props.types.find((x) => x.type === v.type);
  const set = <K extends keyof Values>(k: K) => (x: Values[K]) => setV((o) => ({ ...o, [k]: x }));
  const setIn = (k: 'config' | 'template') => (name: string, x: string) => setV((o) => ({ ...o, [k]: { ...o[k], [name]: x } }));
  const a = useAction();
  return (
    <form onSubmit={(e) => { e.preventDefault(); if (t) void a.run(() => props.onSubmit(toBody(v, t, props.connector !== undefined))); }}>
      {props.connector
        ? <p>Type: <strong>{v.type}</strong></p>
        : <Select label="Type" value={v.type} options={props.types.map((x) => x.type)} onChange={(x) => setV((o) => ({ ...toValues(undefined, props.types.find((y) => y.type === x)), name: o.name, description: o.description }))} />}
      {t && <p class="muted">{t.description}</p>}
      <Field label="Name (unique in the project)" value={v.name} onInput={set('name')} required />
      <Field label="Description" value={v.description} onInput={set('description')} />
      {t && (
        <fieldset>
          <legend>Configuration</legend>
          <ConfigInputs fields={t.required} required values={v.config} stored={props.connector?.config} set={setIn('config')} />
          <ConfigInputs fields={t.optional} required={false} values={v.config} stored={props.connector?.config} set={setIn('config')} />
        </fieldset>
      )}
      {t && Object.keys(t.defaultTemplate).length > 0 && (
        <fieldset>
          <legend>Templates (Go templates; empty: the type's default)</legend>
          {Object.entries(t.defaultTemplate).map(([k, d]) => <Area key={k} label={`Template: ${k}`} placeholder={d} value={v.template[k] ?? ''} onInput={(x) => setIn('template')(k, x)} rows={2} />)}
        </fieldset>
      )}
      <Field label="Event types (comma-separated, * wildcards; none: alerts only)" value={v.eventTypes} onInput={set('eventTypes')} />
      <Field label="Categories (comma-separated; none: any)" value={v.categories} onInput={set('categories')} />
      <Area label="Filter rules (JSON array of {field, operator, value}; empty: none)" value={v.filter} onInput={set('filter')} rows={2} />
      <fieldset>
        <legend>Alert severities forwarded (none: all)</legend>
        {SEVERITIES.map((s) => <Check key={s} label={s} checked={v.severities.includes(s)} onChange={(on) => set('severities')(on ? [...v.severities, s] : v.severities.filter((x) => x !== s))} />)}
      </fieldset>
      <Check label="Active" checked={v.active} onChange={set('active')} />
      <button type="submit" disabled={a.busy || !t}>{props.submit}</button>
      <Problem error={a.error} />
    </form>
  );
}
