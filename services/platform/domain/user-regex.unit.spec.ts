import { describe, expect, it } from 'vitest';
import { iRegexpProblem, patternProblem, userRegex } from './user-regex.ts';

describe('tenant regular expressions', () => {
  it('given a pattern that backtracks exponentially on RegExp, when it is tested, then RE2 answers in linear time', () => {
    const re = userRegex('^(a|a)*$');
    // On a native RegExp, 5,000 characters would not return within the age of the universe.
    expect(re.test('a'.repeat(5_000) + 'b')).toBe(false);
    expect(re.test('a'.repeat(5_000))).toBe(true);
    expect(userRegex('^(\\w+\\s?)*$').test('word '.repeat(2_000) + '!')).toBe(false);
  });
  it('given ECMAScript syntax that JSON Schema uses, then it means what it means in RegExp', () => {
    const cases: Array<[string, string, boolean]> = [
      ['^\\d{3}-\\d{4}$', '555-1234', true], ['^(?<area>\\d{3})$', '555', true], ['\\u0041', 'A', true],
      ['\\u{1F600}', '😀', true], ['^[^]$', '\n', true], ['\\p{Lu}', 'É', true], ['^ab', 'xab', false], ['b$', 'ab\n', false],
    ];
    for (const [pattern, input, expected] of cases) {
      expect(userRegex(pattern).test(input), pattern).toBe(expected);
      expect(new RegExp(pattern, 'u').test(input), pattern).toBe(expected);
    }
  });
  it('given backreferences, lookaround or invalid syntax, then the problem is named', () => {
    expect(patternProblem('(a)\\1')).toMatch(/backreferences/);
    expect(patternProblem('(?<x>a)\\k<x>')).toMatch(/backreferences/);
    expect(patternProblem('a(?=b)')).toMatch(/lookahead/);
    expect(patternProblem('(?<=a)b')).toMatch(/lookahead and lookbehind/);
    expect(patternProblem('[')).toMatch(/not a regular expression/);
    expect(patternProblem('x'.repeat(1_001))).toMatch(/at most 1000/);
    expect(() => userRegex('(a)\\1')).toThrow(/backreferences/);
  });
  it('given those characters escaped or inside a class, then they are ordinary', () => {
    for (const p of ['\\(\\?=', '[(?=]', '\\\\1', '[\\]1]']) expect(patternProblem(p), p).toBeNull();
  });
  it('given patterns in one schema, then each names itself (Ajv keys compiled patterns by toString)', () => {
    expect(String(userRegex('^a$'))).not.toBe(String(userRegex('^b$')));
  });
  it('given I-Regexp patterns of JSONPath, then RE2 syntax is what decides', () => {
    expect(iRegexpProblem('^(a|a)*$')).toBeNull();
    expect(iRegexpProblem('[')).toMatch(/RE2/);
    expect(iRegexpProblem('a'.repeat(1_001))).toMatch(/at most/);
  });
});
