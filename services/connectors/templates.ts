import { Liquid, type Template as Parsed } from 'liquidjs';
import { goToLiquid, TemplateError, type Translated } from './domain/go-template.ts';
import { TEMPLATE_FIELDS, type Template } from './domain/catalog.ts';

/**
 * The one Liquid engine user templates run in. Templates are Go syntax translated by goToLiquid,
 * which emits no file tag; the file system answers nothing besides (no include, render or layout
 * can read a file even if one got through), and every parse and render is bounded in time and
 * memory, so no template can read files, loop for ever or reach the host.
 */
const refuse = (): never => { throw new Error('templates cannot read files'); };
const engine = new Liquid({
  fs: { exists: async () => false, existsSync: () => false, readFile: refuse, readFileSync: refuse, resolve: refuse, sep: '/' },
  relativeReference: false, dynamicPartials: false, ownPropertyOnly: true, strictFilters: true,
  parseLimit: 64_000, renderLimit: 200, memoryLimit: 4_000_000,
  // Go prints what it is given; a map or a list reads better as JSON than as [object Object].
  outputEscape: (v: unknown) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v ?? '')),
});
/** Maps as Go ranges them (keys sorted) and lists, as [key, value] pairs (go-template.ts range). */
engine.registerFilter('entries', (v: unknown) => {
  if (Array.isArray(v)) return v.map((x, i) => [i, x]);
  if (v !== null && typeof v === 'object') return Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]);
  return [];
});

type Compiled = { parsed: Parsed[]; literals: string[] };
const cache = new Map<string, Compiled>();
const CACHE_MAX = 2_048;

/** Translates and parses one Go template; throws TemplateError for one that cannot run. */
export function compile(source: string): Compiled {
  const hit = cache.get(source);
  if (hit) return hit;
  const t: Translated = goToLiquid(source);
  let parsed: Parsed[];
  try { parsed = engine.parse(t.liquid); } catch (err) { throw new TemplateError((err as Error).message); }
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
  const compiled = { parsed, literals: t.literals };
  cache.set(source, compiled);
  return compiled;
}

/** The problems of a template's fields that cannot run (checked when the connector is saved), one per field. */
export function templateProblems(template: Template): string[] {
  return TEMPLATE_FIELDS.flatMap((f) => {
    const src = template[f];
    if (src === undefined) return [];
    try { compile(src); return []; } catch (err) { return [`template.${f}: ${(err as Error).message}`]; }
  });
}

/** What templates see (000): event_type, payload, message, and the payload's top-level fields. */
export type TemplateContext = Record<string, unknown>;
export function templateContext(e: { eventType: string | null; eventId: string; payload: unknown; at: number }): TemplateContext {
  const payload = e.payload !== null && typeof e.payload === 'object' && !Array.isArray(e.payload) ? e.payload as Record<string, unknown> : {};
  const message = typeof payload.message === 'string' ? payload.message : '';
  return { ...payload, event_type: e.eventType ?? '', event_id: e.eventId, timestamp: new Date(e.at).toISOString(), payload: e.payload, message };
}

/** Renders one template; throws (a recorded failure at send time) when it fails or breaks a limit. */
export async function render(source: string, context: TemplateContext): Promise<string> {
  const { parsed, literals } = compile(source);
  return engine.render(parsed, { __c: context, __l: literals }) as Promise<string>;
}

/** Renders every field of `template` over the type's defaults. */
export async function renderTemplate(template: Template, context: TemplateContext): Promise<Template> {
  const out: Template = {};
  for (const f of TEMPLATE_FIELDS) {
    const src = template[f];
    if (src !== undefined) out[f] = await render(src, context);
  }
  return out;
}
