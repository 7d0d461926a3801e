import { patternProblem as regexProblem } from '../../platform/domain/user-regex.ts';

/** Bounds on a customer's JSON Schema, which every API process compiles and runs. */
export const SCHEMA_LIMITS = { maxBytes: 65_536, maxDepth: 32, maxUniqueItems: 1_000 };

const DRAFT_07 = /^https?:\/\/json-schema\.org\/draft-07\/schema#?$/;
const SCALAR_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'null']);

/**
 * What makes a schema unsafe to compile or run in a shared process, which a schema engine does
 * not check itself (Ajv treats schemas as trusted code): size and nesting (compiling recurses);
 * references leaving the document (nothing is fetched, and one tenant's schema never reaches
 * another's through the shared engine's registry); regular expressions the linear-time engine
 * cannot run (user-regex.ts: backreferences, lookaround, invalid syntax); and quadratic uniqueness checks over unbounded arrays of objects.
 */
export function schemaLimitProblems(schema: object): string[] {
  if (Buffer.byteLength(JSON.stringify(schema)) > SCHEMA_LIMITS.maxBytes) {
    return [`schema must be at most ${SCHEMA_LIMITS.maxBytes / 1024} KiB of JSON`];
  }
  const problems: string[] = [];
  walk(schema, '', 0, problems);
  return problems;
}

function walk(node: unknown, path: string, depth: number, problems: string[]): void {
  if (node === null || typeof node !== 'object') return;
  if (depth > SCHEMA_LIMITS.maxDepth) {
    problems.push(`schema must nest at most ${SCHEMA_LIMITS.maxDepth} levels deep`);
    return;
  }
  if (!Array.isArray(node)) keywordProblems(node as Record<string, unknown>, path, problems);
  for (const [key, child] of Object.entries(node)) {
    walk(child, `${path}/${key}`, depth + 1, problems);
    if (problems.length >= 20) return;
  }
}

function keywordProblems(s: Record<string, unknown>, path: string, problems: string[]): void {
  const at = (k: string) => `schema${path}/${k}`;
  if (typeof s.$ref === 'string' && !s.$ref.startsWith('#')) problems.push(`${at('$ref')}: only references inside the schema (#/...) are allowed`);
  for (const k of ['$id', '$anchor', '$dynamicAnchor']) {
    if (typeof s[k] === 'string') problems.push(`${at(k)}: ${k} is not allowed (the schema is identified by its event type)`);
  }
  const draft07 = typeof s.$schema === 'string' && DRAFT_07.test(s.$schema);
  if (path === '' ? s.$schema !== undefined && !draft07 : typeof s.$schema === 'string') {
    problems.push(`${at('$schema')}: only JSON Schema draft-07 is supported, declared at the root`);
  }
  if (typeof s.pattern === 'string') patternProblem(s.pattern, at('pattern'), problems);
  if (s.patternProperties && typeof s.patternProperties === 'object') {
    for (const p of Object.keys(s.patternProperties)) patternProblem(p, at(`patternProperties/${p}`), problems);
  }
  if (s.uniqueItems === true && !scalarItems(s.items) && !(typeof s.maxItems === 'number' && s.maxItems <= SCHEMA_LIMITS.maxUniqueItems)) {
    problems.push(`${at('uniqueItems')}: needs scalar-typed items, or maxItems of at most ${SCHEMA_LIMITS.maxUniqueItems} (comparing objects pairwise is quadratic)`);
  }
}

function scalarItems(items: unknown): boolean {
  const type = (items as { type?: unknown } | undefined)?.type;
  const types = Array.isArray(type) ? type : [type];
  return types.length > 0 && types.every((t) => typeof t === 'string' && SCALAR_TYPES.has(t));
}

function patternProblem(pattern: string, at: string, problems: string[]): void {
  const problem = regexProblem(pattern);
  if (problem !== null) problems.push(`${at}: ${problem}`);
}
