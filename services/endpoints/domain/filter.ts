import { DomainError } from '../../platform/domain/errors.ts';
import { boundedMemo, compileSelector } from './partition-key.ts';

export const FILTER_OPERATORS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'contains', 'exists'] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];
export type FilterRule = { field: string; operator: FilterOperator; value?: unknown };
/** What filters, FIFO keys and mappings read (ARCHITECTURE 11): `$.data.customerId`, `$.headers.X-GitHub-Event`. */
export type DeliveryContext = { id: string; eventType: string | null; data: unknown; headers: Record<string, string> };
export type Predicate = (ctx: DeliveryContext) => boolean;

const always: Predicate = () => true;

/** Structural equality of JSON values (object key order does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length
    && keys.every((k) => Object.hasOwn(b, k) && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Whether `list` holds `node`; lists of primitives become a Set once, at compile time. */
function member(list: unknown[]): (node: unknown) => boolean {
  if (list.every((x) => x === null || typeof x !== 'object')) {
    const set = new Set(list);
    return (node) => set.has(node);
  }
  return (node) => list.some((x) => jsonEqual(x, node));
}

/** Orders numbers with numbers and strings with strings (lexicographically); any other pair is false. */
function ordered(value: unknown, holds: (a: number | string, b: number | string) => boolean): (node: unknown) => boolean {
  if (typeof value !== 'number' && typeof value !== 'string') return () => false;
  return (node) => typeof node === typeof value && holds(node as number | string, value);
}

/** Each operator's test of a node that exists, built once from the rule's value. */
const TESTS: Record<FilterOperator, (value: unknown) => (node: unknown) => boolean> = {
  eq: (v) => (node) => jsonEqual(node, v),
  ne: (v) => (node) => !jsonEqual(node, v),
  gt: (v) => ordered(v, (a, b) => a > b),
  gte: (v) => ordered(v, (a, b) => a >= b),
  lt: (v) => ordered(v, (a, b) => a < b),
  lte: (v) => ordered(v, (a, b) => a <= b),
  in: (v) => member(v as unknown[]),
  nin: (v) => { const has = member(v as unknown[]); return (node) => !has(node); },
  contains: (v) => (node) => typeof node === 'string'
    ? typeof v === 'string' && node.includes(v)
    : Array.isArray(node) && node.some((x) => jsonEqual(x, v)),
  exists: (v) => () => v !== false,
};

function ruleProblems(rule: FilterRule, i: number): string[] {
  const out: string[] = [];
  if (rule === null || typeof rule !== 'object') return [`filter[${i}] must be {field, operator, value}`];
  if (typeof rule.field !== 'string' || !rule.field.startsWith('$')) out.push(`filter[${i}].field must be a JSONPath starting with $`);
  if (!FILTER_OPERATORS.includes(rule.operator)) out.push(`filter[${i}].operator must be one of ${FILTER_OPERATORS.join(', ')}`);
  else if ((rule.operator === 'in' || rule.operator === 'nin') && !Array.isArray(rule.value)) out.push(`filter[${i}].value must be an array for ${rule.operator}`);
  else if (rule.operator === 'exists' && rule.value !== undefined && typeof rule.value !== 'boolean') out.push(`filter[${i}].value must be true or false for exists`);
  else if (rule.operator !== 'exists' && rule.value === undefined) out.push(`filter[${i}].value is required for ${rule.operator}`);
  return out;
}

function compileRule(rule: FilterRule, select: (ctx: DeliveryContext) => unknown): Predicate {
  const test = TESTS[rule.operator](rule.value);
  // A field that selects nothing fails every rule except the negative ones and `exists: false`.
  const whenMissing = rule.operator === 'ne' || rule.operator === 'nin' || (rule.operator === 'exists' && rule.value === false);
  return (ctx) => {
    const node = select(ctx);
    return node === undefined ? whenMissing : test(node);
  };
}

/**
 * Compiles each rule to its own predicate, in order. Paths and values are checked here, once;
 * the predicates only read and compare. Throws VALIDATION_ERROR listing every problem.
 */
function compileRules(rules: FilterRule[]): Predicate[] {
  if (!Array.isArray(rules)) throw new DomainError('VALIDATION_ERROR', 'filter must be an array of {field, operator, value}');
  const problems = rules.flatMap(ruleProblems);
  const selectors = problems.length > 0 ? [] : rules.map((rule, i) => {
    try { return compileSelector(rule.field); } catch (err) {
      problems.push(`filter[${i}].field: ${(err as Error).message}`);
      return () => undefined;
    }
  });
  if (problems.length > 0) throw new DomainError('VALIDATION_ERROR', problems.join('; '), { problems });
  return rules.map((rule, i) => compileRule(rule, selectors[i]!));
}

/** Compiles filter rules to a predicate that holds when every rule does (see compileRules). */
export function compileFilter(rules: FilterRule[]): Predicate {
  const compiled = compileRules(rules);
  if (compiled.length === 0) return always;
  return (ctx) => compiled.every((holds) => holds(ctx));
}

/** Each rule's verdict, and the rule that refused the event (the first that fails: where `every` stops), or null when all hold. */
export type FilterExplanation = { matched: boolean; decidedBy: number | null; rules: Array<{ index: number; matched: boolean }> };

/**
 * Why a filter admits or refuses an event, for trying a filter before saving it: the same
 * compiled rules as compileFilter, each evaluated on its own. Throws VALIDATION_ERROR as it does.
 */
export function explainFilter(rules: FilterRule[], ctx: DeliveryContext): FilterExplanation {
  const verdicts = compileRules(rules).map((holds, index) => ({ index, matched: holds(ctx) }));
  const refused = verdicts.find((v) => !v.matched);
  return { matched: refused === undefined, decidedBy: refused?.index ?? null, rules: verdicts };
}

function compileJson(json: string): Predicate {
  let rules: FilterRule[];
  try { rules = JSON.parse(json) as FilterRule[]; } catch {
    throw new DomainError('VALIDATION_ERROR', 'filter is not JSON');
  }
  return compileFilter(rules);
}

const cached = boundedMemo(1024, compileJson);

/**
 * The predicate of an endpoint's stored filter (its JSON string, as in EndpointConfig.filter),
 * compiled once per distinct string and kept in a bounded cache; `null` admits everything.
 */
export function filterFor(json: string | null): Predicate {
  return json === null ? always : cached(json);
}
