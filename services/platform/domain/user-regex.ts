import { RE2JS } from 're2js';

/**
 * Every regular expression a tenant supplies (JSON Schema `pattern` and `patternProperties`,
 * JSONPath `match()` and `search()`, and any later ones) runs on RE2 semantics (re2js): matching
 * takes time linear in the input whatever the pattern, so no pattern can stall a shared thread.
 * Backreferences and lookaround, which need backtracking, are refused when the pattern is
 * defined, with the reason; so is a pattern that does not compile.
 */
export const MAX_USER_PATTERN_LENGTH = 1_000;

/** What a pattern compiles to: RegExp's `test`, and a `toString` that names it (Ajv keys its patterns by it). */
export type UserRegex = { test(input: string): boolean; toString(): string };

const BACKTRACKING = [
  { re: /\\[1-9]|\\k</, what: 'backreferences' },
  { re: /\(\?<?[=!]/, what: 'lookahead and lookbehind' },
];

/** Escapes and classes removed, so that the checks above see only the pattern's own syntax. */
function outsideEscapesAndClasses(src: string): string {
  return src.replace(/\\[^1-9k]|\[(?:\\.|[^\]\\])*\]/g, '');
}

/** Why `pattern` (ECMAScript syntax, as JSON Schema specifies) cannot be a tenant's regex, or null. */
export function patternProblem(pattern: string): string | null {
  if (pattern.length > MAX_USER_PATTERN_LENGTH) return `a pattern must be at most ${MAX_USER_PATTERN_LENGTH} characters`;
  try {
    new RegExp(pattern, 'u'); // compiling is linear; only matching can backtrack
  } catch (err) {
    return `is not a regular expression: ${(err as Error).message}`;
  }
  const bare = outsideEscapesAndClasses(pattern);
  for (const { re, what } of BACKTRACKING) {
    if (re.test(bare)) return `uses ${what}, which need backtracking: mittr runs patterns in linear time (RE2 syntax) and does not support them`;
  }
  try {
    RE2JS.compile(RE2JS.translateRegExp(pattern));
  } catch (err) {
    return `is not supported by the linear-time engine (RE2 syntax): ${(err as Error).message}`;
  }
  return null;
}

const compiled = new Map<string, UserRegex>();
const MAX_COMPILED = 2_048;

/**
 * `pattern` (ECMAScript syntax) compiled for RE2, once per distinct pattern (bounded cache).
 * Throws an Error naming the problem when patternProblem finds one.
 */
export function userRegex(pattern: string): UserRegex {
  const hit = compiled.get(pattern);
  if (hit !== undefined) return hit;
  const problem = patternProblem(pattern);
  if (problem !== null) throw new Error(`pattern ${JSON.stringify(pattern)} ${problem}`);
  const re = RE2JS.compile(RE2JS.translateRegExp(pattern));
  const regex: UserRegex = { test: (input) => re.test(input), toString: () => `/${pattern}/re2` };
  if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value as string);
  compiled.set(pattern, regex);
  return regex;
}

/**
 * Why an RFC 9485 I-Regexp (the pattern of JSONPath `match()` and `search()`) cannot be used, or
 * null. The JSONPath engine runs them on RE2 (patches/jsonpath-rfc9535+*.patch); I-Regexp is a
 * subset of RE2's syntax, so a pattern RE2 compiles is one it can run.
 */
export function iRegexpProblem(pattern: string): string | null {
  if (pattern.length > MAX_USER_PATTERN_LENGTH) return `a pattern must be at most ${MAX_USER_PATTERN_LENGTH} characters`;
  try {
    RE2JS.compile(pattern);
  } catch (err) {
    return `is not a regular expression RE2 can run: ${(err as Error).message}`;
  }
  return null;
}
