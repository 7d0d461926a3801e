import { useState } from 'preact/hooks';
import { api, ok, type Answer, type Paths } from '../api.ts';
import { Area, Check, Field, Problem, Select, useAction, useLoad } from '../ui.tsx';

export type Inbound = Answer<'/api/v1/inbound-endpoints/{id}', 'get'>;
export type Preset = Answer<'/api/v1/inbound-presets', 'get'>['data'][number];
export type InboundBody = NonNullable<Paths['/api/v1/inbound-endpoints']['post']['requestBody']>['content']['application/json'];

type Values = { source: string; name: string; pathSuffix: string; mapping: string; description: string; transformation: string; status: string; destinations: string[]; config: Record<string, string> };

function toValues(i: Inbound | undefined, source: string): Values {
  const config: Record<string, string> = {};
  // Secrets come back masked: their fields start empty (empty: unchanged); other fields show their value.
  for (const [k, v] of Object.entries(i?.sourceConfig ?? {})) if (typeof v === 'string' && !v.startsWith('****')) config[k] = v;
  return {
    source: i?.source ?? source, name: i?.name ?? '', pathSuffix: i?.pathSuffix ?? '', mapping: i?.eventTypeMapping ?? '', description: i?.description ?? '',
    transformation: i?.transformation ?? '', status: i?.status ?? 'active', destinations: i?.destinationIds ?? [], config,
  };
}

/** The API's body from the form: blank text is null (the preset's default), and a config key is only sent once it has a value (keys merge). */
function toBody(v: Values, preset: Preset | undefined, editing: boolean): InboundBody {
  const sourceConfig: NonNullable<InboundBody['sourceConfig']> = {};
  for (const f of preset?.fields ?? []) {
    const x = (v.config[f.name] ?? '').trim();
    if (x) sourceConfig[f.name] = x;
    else if (editing && !f.secret && !f.required) sourceConfig[f.name] = null;
  }
  return {
    name: v.name.trim(), source: v.source, ...(v.pathSuffix.trim() ? { pathSuffix: v.pathSuffix.trim() } : {}), sourceConfig,
    destinationIds: v.destinations, eventTypeMapping: v.mapping.trim() || null, description: v.description,
    transformation: v.transformation.trim() || null, status: v.status as 'active' | 'inactive',
  };
}

function ConfigFields(props: { preset: Preset; inbound?: Inbound; values: Record<string, string>; set: (k: string, v: string) => void }) {
  return (
    <fieldset>
      <legend>{props.preset.description}</legend>
      {props.preset.fields.map((f) => {
        const current = props.inbound?.sourceConfig[f.name];
        const masked = f.secret && current !== undefined ? ` (set: ${String(current)}; empty: unchanged)` : '';
        return (
          <Field key={f.name} label={`${f.description} (${f.name})${f.required ? '' : ', optional'}${masked}`} type={f.secret ? 'password' : 'text'}
            value={props.values[f.name] ?? ''} onInput={(x) => props.set(f.name, x)} required={f.required && !props.inbound} />
        );
      })}
    </fieldset>
  );
}

/** Create or edit an inbound endpoint: the preset (fixed once made), its fields, where its events go. */
export function InboundForm(props: { presets: Preset[]; inbound?: Inbound; submit: string; onSubmit: (body: InboundBody) => Promise<void> }) {
  const endpoints = useLoad(async () => ok(await api.GET('/api/v1/endpoints', { params: { query: { limit: 100 } } })).data);
  const [v, setV] = useState<Values>(() => toValues(props.inbound, props.presets[0]?.source ?? ''));
  const set = <K extends keyof Values>(k: K) => (x: Values[K]) => setV((o) => ({ ...o, [k]: x }));
  const preset = props.presets.find((p) => p.source === v.source);
  const a = useAction();
  const labels = Object.fromEntries(props.presets.map((p) => [p.source, `${p.name} (${p.source})`]));
  return (
    <form onSubmit={(e) => { e.preventDefault(); void a.run(() => props.onSubmit(toBody(v, preset, props.inbound !== undefined))); }}>
      {props.inbound
        ? <p>Preset: <strong>{preset?.name ?? v.source}</strong> ({v.source})</p>
        : <Select label="Preset (the provider)" value={v.source} options={props.presets.map((p) => p.source)} labels={labels} onChange={(s) => setV((o) => ({ ...o, source: s, config: {} }))} />}
      <Field label="Name" value={v.name} onInput={set('name')} required />
      <Field label="Path suffix (the receiver URL's last segment; empty: generated)" value={v.pathSuffix} onInput={set('pathSuffix')} />
      {preset && <ConfigFields preset={preset} inbound={props.inbound} values={v.config} set={(k, x) => setV((o) => ({ ...o, config: { ...o.config, [k]: x } }))} />}
      <Field label="Event type mapping (JSONPath over headers, data, query; empty: the preset's)" value={v.mapping} onInput={set('mapping')} placeholder="$.headers.X-GitHub-Event" />
      <Field label="Description" value={v.description} onInput={set('description')} />
      <Area label="Transformation (JavaScript, empty: none)" value={v.transformation} onInput={set('transformation')} rows={3} />
      {props.inbound && <Select label="Status" value={v.status} options={['active', 'inactive']} onChange={set('status')} />}
      <fieldset>
        <legend>Send to (none: fan out by event type)</legend>
        {(endpoints.data ?? []).map((e) => (
          <Check key={e.id} label={e.url} checked={v.destinations.includes(e.id)}
            onChange={(on) => set('destinations')(on ? [...v.destinations, e.id] : v.destinations.filter((d) => d !== e.id))} />
        ))}
      </fieldset>
      <button type="submit" disabled={a.busy}>{props.submit}</button>
      <Problem error={a.error ?? endpoints.error} />
    </form>
  );
}
