/**
 * Go-template syntax (`{{.event_type}}`, `{{if .x}}…{{end}}`, `{{range $k, $v := .payload}}`)
 * translated to Liquid for liquidjs. Pure and total: every construct outside the subset below is a
 * TemplateError, so a template that cannot run is refused when the connector is saved.
 *
 * The Liquid produced contains only syntax written here: the user's literal text is not copied
 * into it but passed as data (`__l[i]`), and the render context sits under `__c`, so no template
 * can reach a Liquid tag (include, render, layout) or a name the engine gives meaning to.
 *
 * Subset: fields `.a.b`, `$`, variables from range, strings, numbers, true/false/nil; `if`,
 * `else`, `else if`, `end`, `range` (one or two variables, with `else`); functions eq ne lt le gt
 * ge and or not len index html urlquery; comments; `{{-`/`-}}` trimming.
 */
export class TemplateError extends Error {}

export type Translated = { liquid: string; literals: string[] };

type Frame = { kind: 'if' | 'range'; dot: string; vars: Map<string, string> };

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NUMBER = /^-?\d+(\.\d+)?$/;
const COMPARE: Record<string, string> = { eq: '==', ne: '!=', lt: '<', le: '<=', gt: '>', ge: '>=' };
const MAX_SOURCE = 16_384;

/** Splits a template into text and actions, applying trim markers to the text beside them. */
function lex(src: string): Array<{ text: string } | { action: string }> {
  const parts: Array<{ text: string } | { action: string }> = [];
  let i = 0;
  let trimNext = false;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    let text = src.slice(i, open === -1 ? src.length : open);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (open === -1) { if (text) parts.push({ text }); break; }
    const close = src.indexOf('}}', open + 2);
    if (close === -1) throw new TemplateError(`unclosed action at offset ${open}`);
    let action = src.slice(open + 2, close);
    if (action.startsWith('- ') || action === '-') { text = text.replace(/\s+$/, ''); action = action.slice(1); }
    trimNext = action.endsWith(' -');
    if (trimNext) action = action.slice(0, -1);
    if (text) parts.push({ text });
    parts.push({ action: action.trim() });
    i = close + 2;
  }
  return parts;
}

/** Splits an action into words, keeping "quoted strings" whole. */
function words(action: string): string[] {
  const out: string[] = action.match(/"(?:[^"\\]|\\.)*"|[^\s"]+|"/g) ?? [];
  if (out.includes('"')) throw new TemplateError(`unterminated string in {{${action}}}`);
  return out;
}

const pathOf = (base: string, fields: string[], action: string) => fields.reduce((acc, f) => {
  if (!IDENT.test(f)) throw new TemplateError(`bad field name "${f}" in {{${action}}}`);
  return `${acc}["${f}"]`;
}, base);

export function goToLiquid(src: string): Translated {
  if (src.length > MAX_SOURCE) throw new TemplateError(`a template is at most ${MAX_SOURCE} characters`);
  const literals: string[] = [];
  const stack: Frame[] = [];
  let counter = 0;
  let out = '';
  const top = () => stack[stack.length - 1];
  const dot = () => top()?.dot ?? '__c';
  const variable = (name: string, action: string) => {
    for (let k = stack.length - 1; k >= 0; k--) { const v = stack[k]!.vars.get(name); if (v) return v; }
    throw new TemplateError(`undefined variable $${name} in {{${action}}}`);
  };

  function operand(w: string, action: string): string {
    if (w.startsWith('"')) {
      const s = JSON.parse(w) as string;
      literals.push(s);
      return `__l[${literals.length - 1}]`;
    }
    if (NUMBER.test(w)) return w;
    if (w === 'true' || w === 'false') return w;
    if (w === 'nil') return 'nil';
    if (w === '.') {
      if (stack.every((f) => f.kind !== 'range')) throw new TemplateError(`{{.}} outside a range: name a field, e.g. {{.event_type}}`);
      return dot();
    }
    if (w.startsWith('.')) return pathOf(dot(), w.slice(1).split('.'), action);
    if (w.startsWith('$')) {
      const [head, ...rest] = w.slice(1).split('.');
      if (head === '') { if (rest.length === 0) throw new TemplateError('{{$}} alone is not supported: name a field, e.g. {{$.event_type}}'); return pathOf('__c', rest, action); }
      return pathOf(variable(head!, action), rest, action);
    }
    throw new TemplateError(`unknown function or value "${w}" in {{${action}}}`);
  }

  /** A pipeline as a Liquid expression: an operand or one function of operands. */
  function expression(ws: string[], action: string, asCondition: boolean): string {
    const [fn, ...args] = ws;
    if (fn === undefined) throw new TemplateError(`empty action {{${action}}}`);
    if (ws.includes('|')) throw new TemplateError(`pipelines are not supported in {{${action}}}`);
    const arity = (n: number) => { if (args.length !== n) throw new TemplateError(`${fn} takes ${n} argument(s) in {{${action}}}`); };
    const truthy = (w: string) => `${operand(w, action)} != blank`;
    if (COMPARE[fn]) { arity(2); return `${operand(args[0]!, action)} ${COMPARE[fn]} ${operand(args[1]!, action)}`; }
    if (fn === 'and' || fn === 'or') {
      if (!asCondition || args.length < 2) throw new TemplateError(`${fn} needs two or more arguments, in a condition, in {{${action}}}`);
      return args.map(truthy).join(` ${fn} `);
    }
    if (fn === 'len') { arity(1); return `${operand(args[0]!, action)} | size`; }
    if (fn === 'html') { arity(1); return `${operand(args[0]!, action)} | escape`; }
    if (fn === 'urlquery') { arity(1); return `${operand(args[0]!, action)} | url_encode`; }
    if (fn === 'index') {
      if (args.length < 2) throw new TemplateError(`index takes a value and keys in {{${action}}}`);
      return args.slice(1).reduce((acc, k) => `${acc}[${operand(k, action)}]`, operand(args[0]!, action));
    }
    if (args.length > 0) throw new TemplateError(`unknown function "${fn}" in {{${action}}}`);
    return asCondition ? truthy(fn) : operand(fn, action);
  }

  function condition(ws: string[], action: string): { tag: 'if' | 'unless'; expr: string } {
    if (ws[0] === 'not') {
      if (ws.length !== 2) throw new TemplateError(`not takes one argument in {{${action}}}`);
      return { tag: 'unless', expr: `${operand(ws[1]!, action)} != blank` };
    }
    return { tag: 'if', expr: expression(ws, action, true) };
  }

  function range(ws: string[], action: string): string {
    const assign = ws.indexOf(':=');
    let names: string[] = [];
    let source = ws;
    if (assign !== -1) {
      names = ws.slice(0, assign).join(' ').split(',').map((s) => s.trim()).filter(Boolean);
      source = ws.slice(assign + 1);
      if (names.length < 1 || names.length > 2 || names.some((n) => !/^\$[A-Za-z_]\w*$/.test(n))) throw new TemplateError(`range declares one or two $variables in {{${action}}}`);
    }
    if (source.length !== 1) throw new TemplateError(`range takes one value in {{${action}}}`);
    const n = counter++;
    const item = `__p${n}`;
    const vars = new Map<string, string>();
    if (names.length === 2) { vars.set(names[0]!.slice(1), `${item}[0]`); vars.set(names[1]!.slice(1), `${item}[1]`); }
    if (names.length === 1) vars.set(names[0]!.slice(1), `${item}[1]`);
    const from = operand(source[0]!, action);
    stack.push({ kind: 'range', dot: `${item}[1]`, vars });
    // `entries` (services/connectors/templates.ts) turns maps (keys sorted, as Go ranges them) and lists into [key, value] pairs.
    return `{% assign __e${n} = ${from} | entries %}{% for ${item} in __e${n} limit: 1000 %}`;
  }

  const closers: Array<'endif' | 'endunless' | 'endfor'> = [];
  for (const part of lex(src)) {
    if ('text' in part) { literals.push(part.text); out += `{{ __l[${literals.length - 1}] }}`; continue; }
    const action = part.action;
    if (action.startsWith('/*')) { if (!action.endsWith('*/')) throw new TemplateError('unclosed comment'); continue; }
    const ws = words(action);
    const head = ws[0];
    if (head === 'if') {
      const c = condition(ws.slice(1), action);
      stack.push({ kind: 'if', dot: dot(), vars: new Map() });
      closers.push(c.tag === 'if' ? 'endif' : 'endunless');
      out += `{% ${c.tag} ${c.expr} %}`;
    } else if (head === 'else') {
      if (!top()) throw new TemplateError('{{else}} outside if or range');
      if (ws[1] === 'if') {
        if (top()!.kind !== 'if' || closers[closers.length - 1] !== 'endif') throw new TemplateError('{{else if}} only follows {{if}}');
        const c = condition(ws.slice(2), action);
        if (c.tag !== 'if') throw new TemplateError('{{else if not …}} is not supported');
        out += `{% elsif ${c.expr} %}`;
      } else if (ws.length === 1) out += '{% else %}';
      else throw new TemplateError(`unexpected {{${action}}}`);
    } else if (head === 'end') {
      if (ws.length !== 1 || !stack.pop()) throw new TemplateError('{{end}} without if or range');
      out += `{% ${closers.pop()} %}`;
    } else if (head === 'range') {
      out += range(ws.slice(1), action);
      closers.push('endfor');
    } else if (head === 'with' || head === 'define' || head === 'template' || head === 'block' || head === 'break' || head === 'continue') {
      throw new TemplateError(`{{${head}}} is not supported`);
    } else {
      out += `{{ ${expression(ws, action, false)} }}`;
    }
  }
  if (stack.length > 0) throw new TemplateError(`unclosed {{${stack[stack.length - 1]!.kind}}}: add {{end}}`);
  return { liquid: out, literals };
}
