import { query, type JsonValue } from 'jsonpath-rfc9535';
import parse from 'jsonpath-rfc9535/parser';
import { DomainError } from '../../platform/domain/errors.ts';
import { iRegexpProblem } from '../../platform/domain/user-regex.ts';
import type { DeliveryContext } from './filter.ts';

/**
 * JSONPaths over the delivery context `{ id, eventType, data, headers }` (ARCHITECTURE 11), shared by
 * filters and FIFO keys. Simple paths (`$.a.b`, `$.a['b-c']`, `$.a[0]`) get a precompiled property
 * reader; anything else goes to jsonpath-rfc9535, which re-parses the expression on every call
 * (it exposes no precompiled form), so the reader keeps the per-event hot path cheap.
 */

type Segment =
  | { kind: 'name'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'other'; text: string };

/** A dot name as RFC 9535 shorthand allows it, plus dashes (`X-GitHub-Event`), which need bracket form. */
const DASHED_NAME = /^[A-Za-z_\u0080-\uffff][\w\u0080-\uffff-]*$/;
const QUOTED_NAME = /^(?:'([^'\\]*)'|"([^"\\]*)")$/;
const INDEX = /^(?:0|-?[1-9]\d*)$/;
const CONTEXT_ROOTS = new Set(['id', 'eventType', 'data']);

/** Index of the `]` closing the bracket opened at `start`, skipping quoted strings and nested brackets. */
function closingBracket(path: string, start: number): number {
  let depth = 0;
  for (let i = start; i < path.length; i++) {
    const c = path[i];
    if (c === "'" || c === '"') {
      for (i++; i < path.length && path[i] !== c; i++) if (path[i] === '\\') i++;
    } else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return i;
  }
  return path.length - 1;
}

/** Splits the top-level segments of `path`; what the reader cannot take stays `other` for the library. */
function segmentsOf(path: string): Segment[] {
  const out: Segment[] = [];
  let i = 1;
  while (i < path.length) {
    const descendant = path.startsWith('..', i);
    const open = descendant ? i + 2 : i;
    if (path[open] === '[') {
      const end = closingBracket(path, open);
      const inner = path.slice(open + 1, end);
      const quoted = QUOTED_NAME.exec(inner);
      if (descendant) out.push({ kind: 'other', text: path.slice(i, end + 1) });
      else if (quoted) out.push({ kind: 'name', name: quoted[1] ?? quoted[2] ?? '' });
      else if (INDEX.test(inner)) out.push({ kind: 'index', index: Number(inner) });
      else out.push({ kind: 'other', text: path.slice(i, end + 1) });
      i = end + 1;
    } else if (path[i] === '.') {
      const from = descendant ? i + 2 : i + 1;
      let end = from;
      while (end < path.length && path[end] !== '.' && path[end] !== '[') end++;
      const name = path.slice(from, end);
      if (!DASHED_NAME.test(name)) out.push({ kind: 'other', text: path.slice(i, end) });
      else if (descendant) out.push({ kind: 'other', text: `..${bracket(name)}` });
      else out.push({ kind: 'name', name });
      i = end;
    } else {
      out.push({ kind: 'other', text: path.slice(i) }); // not a segment: the library reports it
      break;
    }
  }
  // HTTP header names are case-insensitive: the context holds them lower-cased, so the path does too.
  const [first, second] = out;
  if (first?.kind === 'name' && first.name === 'headers' && second?.kind === 'name') out[1] = { kind: 'name', name: second.name.toLowerCase() };
  return out;
}

const bracket = (name: string) => (name.includes("'") ? `["${name}"]` : `['${name}']`);
const render = (s: Segment) => (s.kind === 'name' ? bracket(s.name) : s.kind === 'index' ? `[${s.index}]` : s.text);
const renderPath = (segments: Segment[]) => `$${segments.map(render).join('')}`;

/**
 * The RFC 9535 form of a context path: dashed dot names (`$.headers.X-GitHub-Event`) become
 * bracket names, and the header name after `$.headers` is lower-cased.
 */
export function normalizePath(path: string): string {
  return renderPath(segmentsOf(path));
}

const lowered = new WeakMap<DeliveryContext, JsonValue>();

/** The JSON document paths run against, with lower-cased header names; built once per context. */
export function jsonContext(ctx: DeliveryContext): JsonValue {
  let doc = lowered.get(ctx);
  if (doc === undefined) {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(ctx.headers)) headers[k.toLowerCase()] = v;
    doc = { id: ctx.id, eventType: ctx.eventType, data: ctx.data as JsonValue, headers };
    lowered.set(ctx, doc);
  }
  return doc;
}

function header(headers: Record<string, string>, name: string): string | undefined {
  if (Object.hasOwn(headers, name)) return headers[name];
  for (const k of Object.keys(headers)) if (k.toLowerCase() === name) return headers[k];
  return undefined;
}

/** Walks names and indices (negative ones count from the end, as in RFC 9535); own properties only. */
function walk(start: unknown, steps: ReadonlyArray<string | number>): unknown {
  let v = start;
  for (const step of steps) {
    if (typeof step === 'string') {
      if (v === null || typeof v !== 'object' || Array.isArray(v) || !Object.hasOwn(v, step)) return undefined;
      v = (v as Record<string, unknown>)[step];
    } else {
      if (!Array.isArray(v)) return undefined;
      const i = step < 0 ? v.length + step : step;
      if (i < 0 || i >= v.length) return undefined;
      v = v[i];
    }
  }
  return v;
}

function reader(segments: Segment[]): ((ctx: DeliveryContext) => unknown) | null {
  const steps: Array<string | number> = [];
  for (const s of segments) {
    if (s.kind === 'other') return null;
    steps.push(s.kind === 'name' ? s.name : s.index);
  }
  const [root, name, ...rest] = steps;
  if (root === undefined) return null; // `$` alone: the library renders the whole context
  if (root === 'headers' && typeof name === 'string') return (ctx) => walk(header(ctx.headers, name), rest);
  if (root === 'headers') return (ctx) => walk(jsonContext(ctx), steps);
  if (typeof root !== 'string' || !CONTEXT_ROOTS.has(root)) return () => undefined;
  const tail = steps.slice(1);
  return (ctx) => walk(ctx[root as 'id' | 'eventType' | 'data'], tail);
}

type Node = { type?: string; name?: string; arguments?: Array<{ type?: string; value?: unknown }> };

/**
 * The literal patterns of the path's `match()` and `search()` calls, which must compile now: RFC
 * 9535 makes an invalid one silently match nothing, a filter its author would never see working.
 * (A pattern read from the event is checked when it is used, and matches nothing if invalid.)
 */
function literalPatterns(ast: unknown, out: string[] = []): string[] {
  if (ast === null || typeof ast !== 'object') return out;
  const node = ast as Node;
  const pattern = node.arguments?.[1];
  if (node.type === 'FunctionExpr' && (node.name === 'match' || node.name === 'search') && pattern?.type === 'Literal' && typeof pattern.value === 'string') {
    out.push(pattern.value);
  }
  for (const child of Object.values(ast)) literalPatterns(child, out);
  return out;
}

/**
 * Compiles `path` to a function answering the first node it selects in the context, or `undefined`
 * when it selects none. Throws VALIDATION_ERROR when the path is not a JSONPath.
 */
export function compileSelector(path: string): (ctx: DeliveryContext) => unknown {
  if (typeof path !== 'string' || !path.startsWith('$')) throw new DomainError('VALIDATION_ERROR', 'a JSONPath must start with $', { path });
  const segments = segmentsOf(path);
  const normalized = renderPath(segments);
  let patterns: string[];
  try { patterns = literalPatterns(parse(normalized)); } catch (err) {
    throw new DomainError('VALIDATION_ERROR', `${JSON.stringify(path)} is not a JSONPath: ${(err as Error).message}`, { path });
  }
  for (const pattern of patterns) {
    const problem = iRegexpProblem(pattern);
    if (problem !== null) throw new DomainError('VALIDATION_ERROR', `${JSON.stringify(path)}: the pattern ${JSON.stringify(pattern)} ${problem}`, { path });
  }
  return reader(segments) ?? ((ctx) => query(jsonContext(ctx), normalized)[0]);
}

/** Strings as-is, numbers and booleans via String(), objects and arrays as JSON; null when absent or null. */
function keyOf(v: unknown): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** Compiles a `fifoPartitionKey` path to the function giving an event's key within its endpoint. */
export function compileKeyPath(path: string): (ctx: DeliveryContext) => string | null {
  const select = compileSelector(path);
  return (ctx) => keyOf(select(ctx));
}

/** A memo of `compile` keeping the `max` most recently used entries. */
export function boundedMemo<K, V>(max: number, compile: (key: K) => V): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    let v = cache.get(key);
    if (v !== undefined) {
      cache.delete(key); // refresh its recency
    } else {
      v = compile(key);
      if (cache.size >= max) cache.delete(cache.keys().next().value as K);
    }
    cache.set(key, v);
    return v;
  };
}

/** The compiled key path for `path`, compiled once per distinct path (bounded cache). */
export const keyPathFor: (path: string) => (ctx: DeliveryContext) => string | null = boundedMemo(1024, compileKeyPath);
