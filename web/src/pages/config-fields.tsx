import { Area, Field, Select } from '../ui.tsx';

/** A connector type's config field, as GET /connectors/types describes it. */
export type ConfigField = { name: string; kind: string; secret: boolean; values?: string[]; description: string };

/** Masked values (secrets) come back from the API as ****…: such a field starts empty, meaning "unchanged". */
export const isMasked = (v: unknown) => typeof v === 'string' && v.includes('****');

/** The form's text for a stored value of a field. */
export function fieldText(f: ConfigField, v: unknown): string {
  if (v === undefined || v === null || (f.secret && isMasked(v))) return '';
  if (f.kind === 'headers') return isMasked(JSON.stringify(v)) ? '' : JSON.stringify(v);
  if (Array.isArray(v)) return v.join(', ');
  return String(v);
}

/** The API's value for a field's text; undefined: leave it out (blank). */
export function fieldValue(f: ConfigField, text: string): unknown {
  const s = text.trim();
  if (!s) return undefined;
  switch (f.kind) {
    case 'number': case 'integer': return Number(s);
    case 'boolean': return s === 'true';
    case 'email[]': return s.split(/[\s,]+/).filter(Boolean);
    case 'headers': try { return JSON.parse(s) as unknown; } catch { throw new Error(`${f.name} must be a JSON object of header names to values`); }
    default: return s;
  }
}

/** One labelled input per field: secrets as password inputs, choices as selects, headers as JSON. */
export function ConfigInputs(props: { fields: ConfigField[]; required: boolean; values: Record<string, string>; stored?: Record<string, unknown>; set: (k: string, v: string) => void }) {
  return (
    <>
      {props.fields.map((f) => {
        const kept = f.secret && props.stored?.[f.name] !== undefined ? `; set: ${JSON.stringify(props.stored[f.name])}, empty: unchanged` : '';
        const label = `${f.description} (${f.name}${props.required ? '' : ', optional'}${kept})`;
        const value = props.values[f.name] ?? '';
        const on = (v: string) => props.set(f.name, v);
        if (f.values || f.kind === 'boolean') return <Select key={f.name} label={label} value={value} options={['', ...(f.values ?? ['true', 'false'])]} blank="(default)" onChange={on} />;
        if (f.kind === 'headers') return <Area key={f.name} label={`${label}, a JSON object`} value={value} onInput={on} rows={2} />;
        const type = f.secret ? 'password' : f.kind === 'number' || f.kind === 'integer' ? 'number' : f.kind === 'email' ? 'email' : 'text';
        return <Field key={f.name} label={label} type={type} value={value} onInput={on} required={props.required && !props.stored} />;
      })}
    </>
  );
}
